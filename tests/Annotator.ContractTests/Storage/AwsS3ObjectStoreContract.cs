using Amazon.S3;
using Amazon.S3.Model;
using Annotator.Storage;
using Annotator.Storage.S3;
using Microsoft.Extensions.Options;

namespace Annotator.ContractTests.Storage;

/// <summary>
/// The contract on real AWS S3, in the bucket <c>ANNOTATOR_TEST_AWS_BUCKET</c> with credentials and region from
/// the AWS chain, plus what the stand-in server cannot show: a failed multipart upload is aborted.
/// Each test writes under keys of its own and removes them afterwards.
/// </summary>
[RequiresAws]
public sealed class AwsS3ObjectStoreContract : ObjectStoreContract, IAsyncLifetime
{
    private readonly S3StorageOptions _options = new()
    {
        Bucket = TestServices.Variable("ANNOTATOR_TEST_AWS_BUCKET") ?? "",
        PartSizeBytes = S3StorageOptions.MinPartSize,
    };
    private readonly AmazonS3Client _client;

    public AwsS3ObjectStoreContract()
    {
        _client = new AmazonS3Client(S3ClientConfig.From(_options));
        Store = new S3ObjectStore(_client, Options.Create(_options));
    }

    protected override IObjectStore Store { get; }

    [ContractFact]
    public async Task A_multipart_upload_whose_source_fails_is_aborted_and_leaves_no_parts()
    {
        var key = Key("raw", "aborted.jpg");

        await Assert.ThrowsAsync<IOException>(() =>
            Store.PutAsync(key, new SourceStream(SourceStream.Bytes(12 * 1024 * 1024), failAfter: 7 * 1024 * 1024), "image/jpeg", CancellationToken.None));

        var uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _options.Bucket, Prefix = key });
        Assert.Empty(uploads.MultipartUploads ?? []);
        Assert.False(await Store.ExistsAsync(key, CancellationToken.None));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var prefix in Prefixes) await S3Cleanup.DeleteUnderAsync(_client, _options.Bucket, prefix);
        _client.Dispose();
    }
}
