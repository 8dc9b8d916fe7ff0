using Annotator.Images;
using Annotator.Testing;

namespace Annotator.Tests.Images;

/// <summary>
/// Inputs the fuzzer found to crash or hang the upload checks of an earlier version (tests/testdata/fuzz;
/// what each did is in its README). All are broken HEIF containers: each is refused as damaged, with a
/// reason, its metadata reading gives no error (and no facts but those of the seed's intact 'Exif' item), and none hangs.
/// </summary>
public sealed class FuzzRegressionTests
{
    public static TheoryData<string> Findings() =>
        [.. Directory.EnumerateFiles(Path.Combine(TestData.Root, "fuzz")).Select(f => Path.GetFileName(f)).Where(f => !f.EndsWith(".md")).Order()];

    [Theory]
    [MemberData(nameof(Findings))]
    public async Task A_fuzz_finding_is_refused_as_damaged_and_its_metadata_read_without_an_error(string file)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(TestData.Root, "fuzz", file));

        // On its own thread with a generous limit: one of these made the old reader loop for ever.
        var (refused, facts) = await Task.Run(() =>
        {
            using var content = new MemoryStream(bytes, writable: false);
            var refused = Assert.Throws<ImageRejectedException>(() => ImageInspector.Inspect(content, 100_000_000));
            return (refused, FactsReader.Read(content));
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(RejectionKind.Damaged, refused.Kind);
        Assert.StartsWith("the HEI", refused.Message);
        // Mutated from an iPhone 13 photo: some keep its 'Exif' item whole enough to read ("Apple", or "Appl" and a bad byte).
        Assert.True(facts == ImageFacts.None || facts.CameraMake?.StartsWith("Appl", StringComparison.Ordinal) == true, $"{file}: {facts}");
    }
}
