using Amazon.Runtime;
using Amazon.S3;
using Annotator.Storage.S3;

namespace Annotator.ContractTests.Storage;

/// <summary>
/// A bucket of its own on the test run's S3-compatible server (<c>ANNOTATOR_TEST_S3</c>) for one test class, so
/// runs and classes never meet; removed with everything in it afterwards.
/// </summary>
public sealed class S3rverBucket : IAsyncLifetime
{
    /// <summary>s3rver accepts any credentials; these are the ones scripts/services documents.</summary>
    private static readonly BasicAWSCredentials Credentials = new("S3RVER", "S3RVER");

    public S3StorageOptions Options { get; private set; } = new();

    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (TestServices.S3 is not { } url)
        {
            if (TestServices.Required)
                throw new InvalidOperationException("ANNOTATOR_TEST_SERVICES=required but ANNOTATOR_TEST_S3 is not set: start s3rver (scripts/test does) and export its URL");
            return; // the tests skip themselves (RequiresS3rverAttribute)
        }
        Options = new S3StorageOptions
        {
            Bucket = "annotator-test-" + Guid.NewGuid().ToString("N"),
            ServiceUrl = url,
            ForcePathStyle = true,
            PartSizeBytes = S3StorageOptions.MinPartSize,
        };
        Client = new AmazonS3Client(Credentials, S3ClientConfig.From(Options));
        await Client.PutBucketAsync(Options.Bucket);
    }

    public async Task DisposeAsync()
    {
        if (Client is null) return;
        await S3Cleanup.DeleteUnderAsync(Client, Options.Bucket, "");
        await Client.DeleteBucketAsync(Options.Bucket);
        Client.Dispose();
    }
}
