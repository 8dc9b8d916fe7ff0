using Annotator.Testing.Hostile;

namespace Annotator.Bench.Hostile;

/// <summary>One upload of the corpus: what the table calls it, the file name it is sent under, its bytes.</summary>
public sealed record Case(string Name, string FileName, byte[] Bytes);

/// <summary>
/// The hostile corpus at the full sizes the issue names, and two real photos for scale. Every file is built
/// before any is sent, so building (a second or two for the 1 GiB text bombs) is never measured as the server's time.
/// </summary>
public static class Corpus
{
    /// <summary>The most scans a progressive JPEG may have to be accepted: the worst JPEG that reaches the decoder.</summary>
    public const int AcceptedScans = 100;

    /// <summary>100 megapixels, the largest image an upload may declare.</summary>
    public const int BombEdge = 10_000;

    public static Case WorstAcceptedJpegCase() =>
        new($"ProgressiveJpegScanBomb(100 MP, {AcceptedScans} scans)", "scan-bomb-100.jpg", HostileFiles.ProgressiveJpegScanBomb(BombEdge, BombEdge, AcceptedScans));

    public static Case PageBombCase() => new("TiffWithPages(100,000)", "pages.tiff", HostileFiles.TiffWithPages(100_000));

    /// <summary>The most pages a TIFF may have to be accepted (TiffInspector.MaxPages): the worst TIFF that reaches the decoder.</summary>
    public static Case WorstAcceptedTiffCase() => new("TiffWithPages(1,000)", "pages-1000.tiff", HostileFiles.TiffWithPages(1_000));

    public static IReadOnlyList<Case> Build(string images) =>
    [
        Photo(images, "nikon-gps.jpg"),
        Photo(images, "large-kleiber-20mp.jpg"),
        new("PngWithExifIfdChain(20,000)", "exif-chain.png", HostileFiles.PngWithExifIfdChain(20_000)),
        PageBombCase(),
        WorstAcceptedTiffCase(),
        new("PngWithZtxtBomb(1 GiB)", "ztxt-bomb.png", HostileFiles.PngWithZtxtBomb(1L << 30)),
        new("PngWithItxtBomb(1 GiB)", "itxt-bomb.png", HostileFiles.PngWithItxtBomb(1L << 30)),
        new("PngWithIccpBomb(100,000)", "iccp-bomb.png", HostileFiles.PngWithIccpBomb(100_000)),
        new("ProgressiveJpegScanBomb(100 MP, 2,647 scans)", "scan-bomb-2647.jpg", HostileFiles.ProgressiveJpegScanBomb(BombEdge, BombEdge, 2_647)),
        WorstAcceptedJpegCase(),
    ];

    public static Case Photo(string images, string fileName) => new(fileName, fileName, File.ReadAllBytes(Path.Combine(images, fileName)));
}
