using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Storage.S3;

/// <summary>
/// Objects in one S3 bucket (AWS, or any S3-compatible server), keys as they are. Puts stream in bounded parts
/// (<see cref="S3Upload"/>); reads are seekable without a local copy (<see cref="S3RangeStream"/>).
/// </summary>
public sealed class S3ObjectStore : IObjectStore
{
    /// <summary>The service key of the client this store uses, apart from any other S3 client a host registers.</summary>
    public const string ClientKey = "Annotator.Storage.S3";

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _where;
    private readonly S3Upload _upload;

    public S3ObjectStore([FromKeyedServices(ClientKey)] IAmazonS3 s3, IOptions<S3StorageOptions> options)
    {
        _s3 = s3;
        _bucket = options.Value.Bucket;
        _where = options.Value.ServiceUrl.Length > 0 ? $"at {options.Value.ServiceUrl}" : "on AWS";
        _upload = new S3Upload(s3, _bucket, options.Value.PartSizeBytes);
    }

    public Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken) =>
        _upload.PutAsync(key, content, contentType, cancellationToken);

    public async Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey")
        {
            return null;
        }
        return new StoredObject(new S3RangeStream(_s3, _bucket, key, response), response.ContentLength, LastModified(response.LastModified));
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        // S3 answers a delete of a missing key with success, so retried deletes need nothing more.
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix };
        do
        {
            var page = await _s3.ListObjectsV2Async(request, cancellationToken);
            // The SDK leaves an empty page's list null.
            foreach (var o in page.S3Objects ?? []) yield return new ObjectInfo(o.Key, LastModified(o.LastModified));
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <summary>Listing one key proves the endpoint answers, the credentials are accepted and the bucket exists.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket, MaxKeys = 1 }, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = e is AmazonServiceException s ? $"{s.ErrorCode ?? s.StatusCode.ToString()}: {s.Message}" : e.Message;
            throw new InvalidOperationException($"S3 bucket '{_bucket}' {_where} cannot be used ({reason.ReplaceLineEndings(" ")})", e);
        }
    }

    private static DateTimeOffset LastModified(DateTime? time) =>
        time is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
}
