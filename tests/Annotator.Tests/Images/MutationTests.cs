using Annotator.Images;
using Annotator.Testing;

namespace Annotator.Tests.Images;

/// <summary>
/// A fixed, seeded sample of what the fuzzer does (scripts/fuzz runs the real, coverage-guided search): the
/// fuzz seeds, each mutated thousands of times by flips, overwrites, cuts and repeats. Whatever the bytes, the
/// upload checks answer with a header inside the limits or a refusal, and the metadata reader with facts,
/// never another exception: this runs on every test run, so a regression shows without a fuzzing session.
/// </summary>
public sealed class MutationTests
{
    private const int MutationsPerSeed = 2_000;
    private const long MaxPixels = 100_000_000;

    public static TheoryData<string> Seeds() =>
        [.. Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot, "tests", "Annotator.Fuzz", "seeds"))
            .Select(f => Path.GetFileName(f)).Where(f => !f.EndsWith(".md")).Order()];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_images_are_refused_or_accepted_within_the_limits_and_their_metadata_never_throws(string seed)
    {
        var original = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "tests", "Annotator.Fuzz", "seeds", seed));
        var random = new Random(seed.GetHashCode(StringComparison.Ordinal) ^ 20261201); // the same mutations every run
        for (var i = 0; i < MutationsPerSeed; i++)
        {
            var bytes = Mutate(original, random);
            using var content = new MemoryStream(bytes, writable: false);
            ImageHeader? header = null;
            try
            {
                header = ImageInspector.Inspect(content, MaxPixels);
            }
            catch (ImageRejectedException) { }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {seed} made the inspector throw {e.GetType().Name}: {e.Message}");
            }
            if (header is not null)
                Assert.True(header.Width > 0 && header.Height > 0 && header.Pixels <= MaxPixels && header.Frames >= 1,
                    $"mutation {i} of {seed} was accepted with a header outside the limits: {header}");
            ImageFacts? facts = null;
            try
            {
                facts = FactsReader.Read(content);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutation {i} of {seed} made the metadata reader throw {e.GetType().Name}: {e.Message}");
            }
            Assert.NotNull(facts);
        }
    }

    /// <summary>One to four of afl's simplest moves: flip a bit, set a byte to an edge value, cut the tail, repeat a block.</summary>
    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        for (var moves = random.Next(1, 5); moves > 0 && bytes.Length > 0; moves--)
        {
            var at = random.Next(bytes.Length);
            switch (random.Next(4))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)(random.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => 0x7F }); break;
                case 2: bytes = bytes[..at]; break;
                default:
                    var length = Math.Min(random.Next(1, 64), bytes.Length - at);
                    bytes = [.. bytes[..(at + length)], .. bytes[at..(at + length)], .. bytes[(at + length)..]];
                    break;
            }
        }
        return bytes;
    }
}
