using Annotator.Images;

namespace Annotator.Server.Api;

/// <summary>
/// Passes a request section through, and refuses it the moment it passes the byte limit: a file that
/// is too large is stopped while it streams in, never buffered whole first.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private long _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Count(n);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        Count(n);
        return n;
    }

    private void Count(int n)
    {
        _read += n;
        if (_read > limit)
            throw new ImageRejectedException(RejectionKind.TooLarge, $"the file is larger than the {Bytes(limit)} limit");
    }

    internal static string Bytes(long bytes) => bytes >= 1 << 20 && bytes % (1 << 20) == 0
        ? $"{bytes >> 20} MB"
        : $"{bytes:N0}-byte";

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
