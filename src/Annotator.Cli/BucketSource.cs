using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Annotator.Cli;

/// <summary>
/// An existing bucket prefix (<c>s3://bucket/prefix</c>): every object under it with an image's extension, in key
/// order, each read as a stream straight from S3 into its upload. Credentials come from the AWS SDK's default chain
/// (environment, profile, instance role); <c>--s3-endpoint</c> names an S3-compatible server instead of AWS.
/// </summary>
public static class BucketSource
{
    public static bool TryParse(string location, out string bucket, out string prefix)
    {
        bucket = prefix = "";
        if (!location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return false;
        var rest = location[5..];
        var slash = rest.IndexOf('/');
        bucket = slash < 0 ? rest : rest[..slash];
        prefix = slash < 0 ? "" : rest[(slash + 1)..];
        return bucket.Length > 0;
    }

    public static IAmazonS3 Client(string? endpoint, string? region)
    {
        var config = new AmazonS3Config();
        if (!string.IsNullOrEmpty(endpoint))
        {
            // S3-compatible servers: path-style addresses, and checksums only where a request needs them.
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            if (!string.IsNullOrEmpty(region)) config.AuthenticationRegion = region;
        }
        else if (!string.IsNullOrEmpty(region))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }
        return new AmazonS3Client(config);
    }

    public static async Task<List<ImportFile>> FilesAsync(IAmazonS3 s3, string bucket, string prefix, CancellationToken cancellationToken)
    {
        var files = new List<ImportFile>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                if (!FolderSource.Extensions.Contains(Path.GetExtension(item.Key))) continue;
                var key = item.Key;
                files.Add(new ImportFile($"s3://{bucket}/{key}", key[(key.LastIndexOf('/') + 1)..], item.Size ?? 0, async token =>
                    (await s3.GetObjectAsync(bucket, key, token)).ResponseStream));
            }
            request.ContinuationToken = page.NextContinuationToken;
        } while (page.IsTruncated == true);
        return [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }
}
