using Amazon.S3;
using Amazon.S3.Model;

namespace Annotator.ContractTests.Storage;

/// <summary>Removes what a test wrote to a bucket, a thousand keys a request.</summary>
public static class S3Cleanup
{
    public static async Task DeleteUnderAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var list = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        do
        {
            var page = await s3.ListObjectsV2Async(list);
            if (page.S3Objects is { Count: > 0 } objects)
                await s3.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = [.. objects.Select(o => new KeyVersion { Key = o.Key })],
                });
            list.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (list.ContinuationToken is not null);
    }
}
