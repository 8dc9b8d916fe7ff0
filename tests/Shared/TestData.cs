namespace Annotator.Testing;

/// <summary>
/// Finds the test photos and broken files: tests/testdata in the repository (sources and licences in
/// its SOURCES.md), or the folder named by ANNOTATOR_TESTDATA.
/// </summary>
public static class TestData
{
    // RepositoryRoot first: static initialisers run in declaration order.
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Root { get; } = Locate();

    public static string Image(string name) => Path.Combine(Root, "images", name);

    public static string Bad(string name) => Path.Combine(Root, "bad", name);

    private static readonly string DistinctFolder = MakeDistinctFolder();

    private static string MakeDistinctFolder()
    {
        var folder = Directory.CreateTempSubdirectory("annotator-distinct-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }

    /// <summary>
    /// A copy of the JPEG or PNG photo <paramref name="name"/> that no other call returns: a comment naming the copy (a
    /// JPEG COM segment after the start marker, a PNG tEXt chunk after IHDR), pixels and metadata unchanged. For tests
    /// that need a new photo each time, since the server answers the same bytes again with the image it already has.
    /// </summary>
    public static string Distinct(string name)
    {
        var bytes = File.ReadAllBytes(Image(name));
        var copy = Guid.NewGuid().ToString("N");
        byte[] distinct = bytes switch
        {
            [0xFF, 0xD8, ..] => [.. bytes[..2], 0xFF, 0xFE, 0, (byte)(copy.Length + 2), .. System.Text.Encoding.ASCII.GetBytes(copy), .. bytes[2..]],
            [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => [.. bytes[..PngHeaderLength], .. PngText("Comment", copy), .. bytes[PngHeaderLength..]],
            _ => throw new ArgumentException($"{name} is not a JPEG or a PNG: Distinct copies those only"),
        };
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(DistinctFolder, copy)).FullName, name); // its own name, as uploaded
        File.WriteAllBytes(path, distinct);
        return path;
    }

    /// <summary>The signature and the IHDR chunk, which comes first in every PNG.</summary>
    private const int PngHeaderLength = 8 + 4 + 4 + 13 + 4;

    private static byte[] PngText(string keyword, string text)
    {
        byte[] body = [.. "tEXt"u8, .. System.Text.Encoding.Latin1.GetBytes(keyword), 0, .. System.Text.Encoding.Latin1.GetBytes(text)];
        var length = body.Length - 4;
        var crc = Crc32(body);
        return [(byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, .. body,
            (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc];
    }

    /// <summary>PNG's CRC-32 (ISO 3309), bit by bit: this file is compiled into projects without System.IO.Hashing.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ANNOTATOR_TESTDATA");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        var candidate = Path.Combine(RepositoryRoot, "tests", "testdata");
        return Directory.Exists(candidate) ? candidate : throw new DirectoryNotFoundException($"Test data not found at {candidate}.");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("Annotator.slnx not found above " + AppContext.BaseDirectory);
    }
}
