using Annotator.Processing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Annotator.Events.RabbitMq;

public static class RabbitMqRegistration
{
    /// <summary>
    /// The RabbitMQ event bus in place of whatever <see cref="IEventBus"/> was registered: its settings
    /// (<c>Annotator:Events:RabbitMq</c>, checked at start-up), the connection and the bus. The connection is opened,
    /// and the topology declared, when it is first resolved, so a host that resolves <see cref="IEventBus"/> before it
    /// starts (as it does its catalog) stops with one line, a <see cref="RabbitMqSetupException"/>, when the broker
    /// cannot be reached.
    /// </summary>
    public static IServiceCollection AddRabbitMqEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidation>();
        services.AddSingleton(sp => new RabbitMqTopology(
            sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value.Prefix,
            sp.GetServices<IObjectCreatedHandler>().Select(f => f.Name),
            sp.GetRequiredService<IOptions<EventsOptions>>().Value.RetryDelays,
            sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value.DeliveryLimit));
        // Blocking once, at start-up: DI has no asynchronous factories, and nothing can run before the broker is there.
        services.AddSingleton(sp => RabbitMqConnection.OpenAsync(
            sp.GetRequiredService<IOptions<RabbitMqOptions>>().Value, sp.GetRequiredService<RabbitMqTopology>(),
            sp.GetRequiredService<ILogger<RabbitMqConnection>>(), CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton<RabbitMqEventBus>();
        services.Replace(ServiceDescriptor.Singleton<IEventBus>(sp => sp.GetRequiredService<RabbitMqEventBus>()));
        return services;
    }
}
