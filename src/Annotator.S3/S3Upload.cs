using System.Buffers;
using Amazon.S3;
using Amazon.S3.Model;

namespace Annotator.Storage.S3;

/// <summary>
/// Writes a stream of any length, known or not, holding at most one part in memory: what fits in one part goes
/// in one PUT, anything longer in a multipart upload of such parts. Either way the object appears whole when the
/// last request succeeds and not at all before, so the store's atomicity promise holds.
/// </summary>
internal sealed class S3Upload(IAmazonS3 s3, string bucket, int partSize)
{
    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(partSize);
        try
        {
            var filled = await FillAsync(content, buffer, cancellationToken);
            if (filled < partSize) await PutOneAsync(key, buffer, filled, contentType, cancellationToken);
            else await PutInPartsAsync(key, content, buffer, filled, contentType, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task PutOneAsync(string key, byte[] buffer, int length, string contentType, CancellationToken cancellationToken) =>
        s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = contentType,
            InputStream = new MemoryStream(buffer, 0, length, writable: false),
        }, cancellationToken);

    /// <summary>
    /// Like the SDK's TransferUtility: no checksum algorithm on the upload itself, each part checksummed as the
    /// client's settings say, and the parts completed by ETag.
    /// </summary>
    private async Task PutInPartsAsync(string key, Stream content, byte[] buffer, int filled, string contentType, CancellationToken cancellationToken)
    {
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType }, cancellationToken);
        try
        {
            var parts = new List<UploadPartResponse>();
            do
            {
                parts.Add(await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = upload.UploadId,
                    PartNumber = parts.Count + 1,
                    InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                }, cancellationToken));
                filled = await FillAsync(content, buffer, cancellationToken);
            }
            while (filled > 0);
            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId };
            complete.AddPartETags(parts);
            await s3.CompleteMultipartUploadAsync(complete, cancellationToken);
        }
        catch
        {
            await AbortAsync(key, upload.UploadId);
            throw;
        }
    }

    /// <summary>
    /// Frees the parts stored so far. Best effort: the failure that got us here is the one to report, and an
    /// upload left behind is never visible as an object (a bucket lifecycle rule removes it in the end).
    /// </summary>
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or TaskCanceledException)
        {
        }
    }

    /// <summary>Reads until the part is full or the stream ends; a short read alone does not mean the end.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < partSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, partSize - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
