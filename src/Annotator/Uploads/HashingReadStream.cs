using System.Security.Cryptography;

namespace Annotator.Uploads;

/// <summary>
/// Passes an upload's bytes through as they are read once into their buffer, hashing them on the way (SHA-256), so
/// the duplicate check costs no second read of the file and never holds it whole.
/// </summary>
public sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _hex;

    /// <summary>The lowercase hex SHA-256 of every byte read; asked for once the stream has been read to its end.</summary>
    public string Sha256Hex => _hex ??= Convert.ToHexStringLower(_sha256.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Hash(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Hash(buffer.Span[..read]);
        return read;
    }

    private void Hash(ReadOnlySpan<byte> bytes)
    {
        if (_hex is not null) throw new InvalidOperationException("the content hash was taken before the stream was read to its end");
        _sha256.AppendData(bytes);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream is the caller's, as with the request streams it wraps.
        if (disposing) _sha256.Dispose();
        base.Dispose(disposing);
    }
}
