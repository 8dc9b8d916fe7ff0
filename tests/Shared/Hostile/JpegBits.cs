namespace Annotator.Testing.Hostile;

/// <summary>
/// Entropy-coded JPEG data: bits written most significant first, a 0x00 stuffed after every 0xFF
/// byte so that data never reads as a marker, and the last byte padded with 1 bits (T.81 F.1.2.3).
/// </summary>
internal sealed class JpegBits(Stream output)
{
    private int _byte, _used; // bits gathered for the next byte, and how many

    public void Write(int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            _byte = (_byte << 1) | ((value >> i) & 1);
            if (++_used == 8) Emit();
        }
    }

    /// <summary>Pads the last byte with 1 bits, as the end of every scan must be.</summary>
    public void Flush()
    {
        while (_used != 0) Write(1, 1);
    }

    private void Emit()
    {
        output.WriteByte((byte)_byte);
        if (_byte == 0xFF) output.WriteByte(0x00);
        _byte = _used = 0;
    }
}
