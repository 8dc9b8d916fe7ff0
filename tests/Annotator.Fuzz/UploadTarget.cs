using Annotator.Images;

namespace Annotator.Fuzz;

/// <summary>
/// What the upload path runs on untrusted bytes, and nothing more: the inspector, then the metadata
/// reader whether or not the inspector refused the file. A refusal (<see cref="ImageRejectedException"/>)
/// is the right answer for garbage; any other exception, a hang or a crash is a bug.
/// Only the two public entry points are called, so the harness survives rewrites behind them.
/// </summary>
internal static class UploadTarget
{
    /// <summary>Inputs past this are skipped; scripts/fuzz passes the same bound as afl-fuzz -G (libFuzzer: -max_len).</summary>
    public const int MaxInputBytes = 1024 * 1024;

    /// <summary>The production default (Annotator:Uploads:MaxPixels).</summary>
    public const long MaxPixels = 100_000_000;

    // One buffer for the whole run: the fuzzer calls this thousands of times a second on one thread.
    // One byte more than the bound tells an input at the limit from one over it.
    private static readonly byte[] Buffer = new byte[MaxInputBytes + 1];

    /// <summary>afl-fuzz hands the input as stdin, which is neither seekable nor sized: read it whole first.</summary>
    public static void Run(Stream input)
    {
        var length = 0;
        int read;
        while (length < Buffer.Length && (read = input.Read(Buffer, length, Buffer.Length - length)) > 0) length += read;
        if (length > MaxInputBytes) return;
        Run(length);
    }

    public static void Run(ReadOnlySpan<byte> input) => Inspect(input);

    /// <summary>The same run, saying what came of it (for replays); null when the input is over the bound.</summary>
    public static Outcome? Inspect(ReadOnlySpan<byte> input)
    {
        if (input.Length > MaxInputBytes) return null;
        input.CopyTo(Buffer);
        return Run(input.Length);
    }

    private static Outcome Run(int length)
    {
        // The upload is buffered in a seekable stream before it is checked; a MemoryStream stands in for it.
        using var content = new MemoryStream(Buffer, 0, length, writable: false);
        ImageHeader? header = null;
        ImageRejectedException? refused = null;
        try
        {
            header = Check(ImageInspector.Inspect(content, MaxPixels));
        }
        catch (ImageRejectedException e)
        {
            refused = e;
        }
        // Metadata is a courtesy and must never refuse or fail an upload, so it runs (and must not throw) either way.
        var facts = FactsReader.Read(content) ?? throw new InvalidOperationException("FactsReader.Read returned null");
        return new Outcome(header, refused, facts);
    }

    // An accepted header is what the catalog stores and the thumbnailer trusts: a size outside the limit
    // that the inspector let through is as much a bug as an exception.
    private static ImageHeader Check(ImageHeader header) =>
        header.Width <= 0 || header.Height <= 0 || header.Pixels > MaxPixels || header.Frames < 1
            ? throw new InvalidOperationException($"accepted a header outside the limits: {header}")
            : header;

    /// <summary>What one input did: accepted with a header, or refused with a reason; the facts either way.</summary>
    public sealed record Outcome(ImageHeader? Header, ImageRejectedException? Refused, ImageFacts Facts)
    {
        public override string ToString() =>
            (Header is { } h ? $"accepted {h.Format} {h.Width}×{h.Height}, {h.Frames} frame(s)" : $"refused {Refused!.Kind}: {Refused.Message}")
            + (Facts == ImageFacts.None ? "; no facts" : $"; facts {Facts}");
    }
}
