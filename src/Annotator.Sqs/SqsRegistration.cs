using Amazon;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Annotator.Events.Sqs;

public static class SqsRegistration
{
    /// <summary>
    /// The SQS bus in place of whatever <see cref="IEventBus"/> was registered, its settings checked at start-up, and the
    /// outbox relay on every node: on AWS only web nodes run, so they carry retries, re-captions and replays (outbox
    /// rows) to the functions' queues. Credentials come from the AWS chain (the instance's role), never from settings.
    /// </summary>
    public static IServiceCollection AddSqsEventBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqsOptions>().Bind(configuration.GetSection(SqsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SqsOptions>, SqsOptionsValidation>();
        services.AddSingleton<IAmazonSQS>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SqsOptions>>().Value;
            var config = new AmazonSQSConfig();
            if (options.ServiceUrl.Length > 0)
            {
                config.ServiceURL = options.ServiceUrl;
                if (options.Region.Length > 0) config.AuthenticationRegion = options.Region;
            }
            else if (options.Region.Length > 0)
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
            return new AmazonSQSClient(config);
        });
        services.Replace(ServiceDescriptor.Singleton<IEventBus, SqsEventBus>());
        services.AddHostedService<OutboxRelay>(); // once only: a worker role's registration is the same one
        return services;
    }
}
