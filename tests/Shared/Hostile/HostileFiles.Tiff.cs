namespace Annotator.Testing.Hostile;

public static partial class HostileFiles
{
    /// <summary>The side of each page of <see cref="TiffWithPages"/>, in pixels.</summary>
    public const int TiffPageEdge = 8;

    /// <summary>The grey level of every pixel of <see cref="TiffWithPages"/>.</summary>
    public const byte TiffGrey = 128;

    /// <summary>
    /// An uncompressed 8×8 8-bit greyscale TIFF with <paramref name="pages"/> image directories, each a
    /// complete page (size, format, one strip) pointing at the same 64-byte strip: 102 bytes a page,
    /// so 100,000 pages come to about 10 MB, well under the upload limit.
    /// </summary>
    /// <remarks>
    /// The upload inspector reads only the first directory, so it sees one small valid image. Whatever
    /// counts pages (libvips asks libtiff for the page count; a viewer lists them; a converter loads
    /// "all pages") then reads every directory, each a seek and a parse plus libtiff's loop bookkeeping
    /// (libvips spends most of a second just opening 100,000 pages), and a reader that keeps a page
    /// object per directory holds 100,000 of them.
    /// </remarks>
    public static byte[] TiffWithPages(int pages)
    {
        var strip = new byte[TiffPageEdge * TiffPageEdge];
        Array.Fill(strip, TiffGrey);
        const uint StripOffset = 8; // the strip comes straight after the header
        return TiffChain.Build(pages, strip,
            new TiffEntry(256, TiffEntry.Short, TiffPageEdge),    // ImageWidth
            new TiffEntry(257, TiffEntry.Short, TiffPageEdge),    // ImageLength
            new TiffEntry(258, TiffEntry.Short, 8),               // BitsPerSample
            new TiffEntry(259, TiffEntry.Short, 1),               // Compression: none
            new TiffEntry(262, TiffEntry.Short, 1),               // PhotometricInterpretation: black is zero
            new TiffEntry(273, TiffEntry.Long, StripOffset),      // StripOffsets
            new TiffEntry(278, TiffEntry.Short, TiffPageEdge),    // RowsPerStrip: the whole page
            new TiffEntry(279, TiffEntry.Long, (uint)strip.Length)); // StripByteCounts
    }
}
