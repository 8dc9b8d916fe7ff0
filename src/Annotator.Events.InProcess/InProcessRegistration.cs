using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Events.InProcess;

public static class InProcessRegistration
{
    /// <summary>The event bus without a broker; its durable queue is the catalog's <see cref="IDeliveryQueue"/>.</summary>
    public static IServiceCollection AddInProcessEventBus(this IServiceCollection services) =>
        services.AddSingleton<IEventBus, InProcessEventBus>();
}
