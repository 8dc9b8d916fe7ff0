using System.Buffers;

namespace Annotator.Images;

/// <summary>
/// A forward reader over an upload through one pooled buffer, so inspecting a 50 MB file costs
/// one 64 KB rented array rather than a copy of the file. Positions are offsets in the file.
/// Reading past the end throws Damaged with <see cref="Truncation"/>, which each inspector words
/// for what it was reading.
/// </summary>
internal sealed class ImageReader : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private long _origin; // file offset of _buffer[0]; the stream is always at _origin + _end
    private int _start;   // next unread byte in _buffer
    private int _end;     // end of the bytes read into _buffer

    public ImageReader(Stream stream)
    {
        _stream = stream;
        stream.Seek(0, SeekOrigin.Begin);
        Length = stream.Length;
        // Small uploads get a small buffer; big ones never more than BufferSize.
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Length, 16, BufferSize));
    }

    public long Length { get; }

    public long Position => _origin + _start;

    public long Remaining => Length - Position;

    /// <summary>The one-line reason given if the file ends before a read completes.</summary>
    public string Truncation { get; set; } = "the file is truncated";

    public ImageRejectedException Truncated() => new(RejectionKind.Damaged, Truncation);

    /// <summary>Makes at least <paramref name="count"/> bytes available at Position; false if the file ends first.</summary>
    public bool TryEnsure(int count)
    {
        if (_end - _start >= count) return true;
        if (count > Remaining) return false;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length);
        // Keep the unread tail, move it to the front, and fill the rest of the buffer.
        var kept = _end - _start;
        _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        _origin += _start;
        _start = 0;
        _end = kept;
        while (_end < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0) return false; // the stream is shorter than its Length said
            _end += read;
        }
        return true;
    }

    public ReadOnlySpan<byte> Peek(int count) =>
        TryEnsure(count) ? _buffer.AsSpan(_start, count) : throw Truncated();

    public ReadOnlySpan<byte> Read(int count)
    {
        var bytes = Peek(count);
        _start += count;
        return bytes;
    }

    public byte ReadByte() => Read(1)[0];

    /// <summary>
    /// Whatever is buffered at Position (refilling when none is), at most <paramref name="max"/> bytes,
    /// and moves past it: for streaming through data in buffer-sized pieces.
    /// </summary>
    public ReadOnlySpan<byte> ReadSome(long max)
    {
        var window = Window();
        if (window.IsEmpty) throw Truncated();
        var count = (int)Math.Min(window.Length, max);
        _start += count;
        return window[..count];
    }

    /// <summary>The buffered bytes at Position, refilled if none are left; empty only at the end of the file.</summary>
    public ReadOnlySpan<byte> Window()
    {
        if (_start == _end) TryEnsure((int)Math.Min(_buffer.Length, Remaining));
        return _buffer.AsSpan(_start, _end - _start);
    }

    /// <summary>Moves past <paramref name="count"/> bytes of a <see cref="Window"/> already looked at.</summary>
    public void Advance(int count) => _start += count;

    public void ReadExactly(Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            var part = ReadSome(destination.Length);
            part.CopyTo(destination);
            destination = destination[part.Length..];
        }
    }

    public void Skip(long count)
    {
        if (count <= _end - _start) _start += (int)count;
        else if (count > Remaining) throw Truncated();
        else Seek(Position + count);
    }

    public void Seek(long offset)
    {
        if (offset < 0 || offset > Length) throw Truncated();
        if (offset >= _origin && offset <= _origin + _end)
        {
            _start = (int)(offset - _origin); // still in the buffer: no I/O
            return;
        }
        _stream.Seek(offset, SeekOrigin.Begin);
        _origin = offset;
        _start = _end = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
