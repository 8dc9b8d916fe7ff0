using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Annotator.Storage.S3;

/// <summary>The SDK's client settings from ours; credentials are left to the SDK's default chain.</summary>
public static class S3ClientConfig
{
    public static AmazonS3Config From(S3StorageOptions options)
    {
        var checksums = options.EffectiveChecksums == "required" ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = checksums,
            ResponseChecksumValidation = checksums == RequestChecksumCalculation.WHEN_REQUIRED
                ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED,
        };
        // ServiceURL and RegionEndpoint exclude each other in the SDK (setting one clears the other), so with an
        // endpoint the region only names what requests are signed for.
        if (options.ServiceUrl.Length > 0)
        {
            config.ServiceURL = options.ServiceUrl;
            if (options.Region.Length > 0) config.AuthenticationRegion = options.Region;
        }
        else if (options.Region.Length > 0)
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        return config;
    }
}
