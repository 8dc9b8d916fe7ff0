namespace Annotator.Exports;

/// <summary>
/// One image's file as an archive takes it: the original from the store, or a resized copy in memory; seekable with a
/// known length either way (a tar entry's header states its size before its bytes), and its pixel size as written.
/// </summary>
public sealed record ExportImage(Stream Content, long Length, int Width, int Height) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
