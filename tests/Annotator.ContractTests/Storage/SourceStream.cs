namespace Annotator.ContractTests.Storage;

/// <summary>
/// An upload as a store sees it from a request body: forward only, length unknown, reads of uneven sizes.
/// It yields <see cref="Content"/>'s bytes and, when told to, throws after <c>failAfter</c> of them.
/// </summary>
public sealed class SourceStream(byte[] content, long failAfter = long.MaxValue) : Stream
{
    public const string FailureMessage = "the upload's source failed on purpose";

    private int _position;

    public byte[] Content => content;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= failAfter) throw new IOException(FailureMessage);
        // Uneven reads, as from a socket: never more than 70,001 bytes, never past the failure point.
        var count = (int)Math.Min(Math.Min(buffer.Length, 70_001), Math.Min(content.Length - _position, failAfter - _position));
        content.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    /// <summary>Pseudo-random bytes, the same for a seed: a range read from the wrong place does not match.</summary>
    public static byte[] Bytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
