using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Annotator.Storage.S3;

/// <summary>
/// A read-only, seekable view of one S3 object that never downloads more than it is asked for. It reads forward
/// through one GET response; a seek only moves the position, and the next read that finds the open response
/// elsewhere reads on to it when it is a little ahead, or else opens a ranged GET from there. So setting
/// <see cref="Position"/> to where it already is costs nothing, and libvips (which seeks in TIFF and HEIF) and
/// HTTP Range answers work without a local copy. Every ranged GET asks for the ETag first seen, so an object
/// replaced while being read fails the read instead of mixing two versions.
/// </summary>
public sealed class S3RangeStream : Stream
{
    /// <summary>A forward seek shorter than this reads through the open response: cheaper than a new request's round trip.</summary>
    private const int ReadThroughLimit = 256 * 1024;

    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _key;
    private readonly string _etag;
    private GetObjectResponse? _response;
    private long _responsePosition;
    private long _position;
    private bool _disposed;

    /// <param name="first">A GET of the whole object, read from its start; the stream owns it from now on.</param>
    public S3RangeStream(IAmazonS3 s3, string bucket, string key, GetObjectResponse first)
    {
        _s3 = s3;
        _bucket = bucket;
        _key = key;
        _etag = first.ETag;
        _response = first;
        Length = first.ContentLength;
    }

    public override long Length { get; }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException($"Cannot seek to {target}, before the start of S3 object '{_key}'.");
        return _position = target;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>
    /// libvips reads synchronously (on the thumbnailer's own threads), so opening a range blocks here; reading the
    /// open response is a plain synchronous read.
    /// </summary>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0 || _position >= Length) return 0;
        var opening = BodyAtPositionAsync(CancellationToken.None);
        var body = opening.IsCompletedSuccessfully ? opening.Result : opening.AsTask().GetAwaiter().GetResult();
        return Advance(body.Read(buffer));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.Length == 0 || _position >= Length) return 0;
        var body = await BodyAtPositionAsync(cancellationToken);
        return Advance(await body.ReadAsync(buffer, cancellationToken));
    }

    /// <summary>The open response's body with its next byte at <see cref="Position"/>, reading on or opening a range to get there.</summary>
    private async ValueTask<Stream> BodyAtPositionAsync(CancellationToken cancellationToken)
    {
        if (_response is not null && _position > _responsePosition && _position - _responsePosition <= ReadThroughLimit)
            await ReadThroughAsync(_response.ResponseStream, (int)(_position - _responsePosition), cancellationToken);
        if (_response is null || _responsePosition != _position)
        {
            _response?.Dispose();
            _response = null;
            _response = await OpenRangeAsync(cancellationToken);
            _responsePosition = _position;
        }
        return _response.ResponseStream;
    }

    private async Task<GetObjectResponse> OpenRangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket,
                Key = _key,
                EtagToMatch = _etag,
                ByteRange = new ByteRange(_position, Length - 1),
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed || e.ErrorCode == "NoSuchKey")
        {
            throw new IOException($"S3 object '{_key}' was replaced or deleted while it was being read.", e);
        }
    }

    private async Task ReadThroughAsync(Stream body, int count, CancellationToken cancellationToken)
    {
        var scratch = new byte[Math.Min(count, 64 * 1024)];
        while (count > 0)
        {
            var read = await body.ReadAsync(scratch.AsMemory(0, Math.Min(count, scratch.Length)), cancellationToken);
            if (read == 0) throw Truncated(_responsePosition);
            _responsePosition += read;
            count -= read;
        }
    }

    private int Advance(int read)
    {
        if (read == 0) throw Truncated(_position);
        _position += read;
        _responsePosition += read;
        return read;
    }

    private IOException Truncated(long at) => new($"S3 object '{_key}' ended at byte {at} of {Length}: the response was cut short.");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("S3 objects are read-only here.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("S3 objects are read-only here.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _response?.Dispose();
            _response = null;
        }
        base.Dispose(disposing);
    }
}
