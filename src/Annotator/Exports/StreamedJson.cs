using System.Text.Json;

namespace Annotator.Exports;

internal static class StreamedJson
{
    /// <summary>Hands what is written on to the archive every 64 KB, so an index of any length takes that much memory.</summary>
    public static async ValueTask FlushSoonAsync(this Utf8JsonWriter json, CancellationToken cancellationToken)
    {
        if (json.BytesPending > 64 * 1024) await json.FlushAsync(cancellationToken);
    }
}
