using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Storage.S3;

public static class S3Registration
{
    /// <summary>
    /// Objects in an S3 bucket: <c>Annotator:Storage:S3</c> bound and validated at start-up, and a client of our
    /// own (keyed, so a host's other S3 clients are left alone) with credentials from the AWS chain.
    /// </summary>
    public static IServiceCollection AddS3ObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<S3StorageOptions>().Bind(configuration.GetSection(S3StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<S3StorageOptions>, S3StorageOptionsValidation>();
        services.AddKeyedSingleton<IAmazonS3>(S3ObjectStore.ClientKey,
            (sp, _) => new AmazonS3Client(S3ClientConfig.From(sp.GetRequiredService<IOptions<S3StorageOptions>>().Value)));
        services.AddSingleton<IObjectStore, S3ObjectStore>();
        return services;
    }
}
