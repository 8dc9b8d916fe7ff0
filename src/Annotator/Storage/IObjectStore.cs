namespace Annotator.Storage;

/// <summary>
/// Object storage by key (<c>raw/…</c>, <c>thumbnails/…</c>). Writes are atomic: a reader sees the
/// whole object or none of it, so a crash mid-write never leaves a half object behind.
/// </summary>
public interface IObjectStore : IReachable
{
    /// <summary>Stores <paramref name="content"/> (read to its end) under <paramref name="key"/>, replacing any object there.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading, or returns null when there is none. The stream is seekable where the store allows.</summary>
    Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes an object; deleting a missing key is not an error (deletes are retried).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);

    /// <summary>Objects under a prefix, for maintenance (the orphan sweep); never used on request paths.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken);

}

public sealed record ObjectInfo(string Key, DateTimeOffset LastModified);

public sealed record StoredObject(Stream Content, long Length, DateTimeOffset LastModified) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
