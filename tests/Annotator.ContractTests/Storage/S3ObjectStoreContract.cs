using Annotator.Storage;
using Annotator.Storage.S3;
using Microsoft.Extensions.Options;

namespace Annotator.ContractTests.Storage;

/// <summary>The contract on an S3-compatible server (s3rver in the test run), plus what only S3 has to get right.</summary>
[RequiresS3rver]
public sealed class S3ObjectStoreContract(S3rverBucket bucket) : ObjectStoreContract, IClassFixture<S3rverBucket>
{
    protected override IObjectStore Store { get; } = new S3ObjectStore(bucket.Client, Options.Create(bucket.Options));

    [ContractFact]
    public async Task A_bucket_that_is_not_there_fails_the_check_in_one_line_naming_it()
    {
        var options = new S3StorageOptions { Bucket = bucket.Options.Bucket + "-missing", ServiceUrl = bucket.Options.ServiceUrl, ForcePathStyle = true };
        var store = new S3ObjectStore(bucket.Client, Options.Create(options));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(CancellationToken.None));

        Assert.StartsWith($"S3 bucket '{options.Bucket}' at {options.ServiceUrl} cannot be used (NoSuchBucket: ", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }
}
