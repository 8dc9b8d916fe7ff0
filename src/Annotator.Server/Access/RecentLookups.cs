using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// The sessions and tokens this node found in the last <see cref="AuthOptions.RecheckInterval"/> (5 s), so a busy
/// client costs one database lookup per interval, not one per request (measured: it halved the cached gallery list).
/// Any change to accounts, sessions or tokens made on this node forgets them all at once, so here a sign-out, a
/// revocation, a disabled account or a role change counts at the next request; another node sees it within the
/// interval. Only what was found is kept: a new session or token works at once everywhere, a bad one is looked up
/// every time. At most <see cref="MaxEntries"/> are kept.
/// </summary>
public sealed class RecentLookups(IOptions<AuthOptions> options) : IDisposable
{
    private const int MaxEntries = 100_000;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly TimeSpan _interval = options.Value.RecheckInterval;

    public async Task<T?> FindAsync<T>(string key, Func<Task<T?>> find) where T : struct
    {
        if (_interval <= TimeSpan.Zero) return await find();
        if (_cache.TryGetValue(key, out T found)) return found;
        var result = await find();
        if (result is { } value) _cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = _interval, Size = 1 });
        return result;
    }

    public void Forget(string key) => _cache.Remove(key);

    public void ForgetAll() => _cache.Clear();

    public void Dispose() => _cache.Dispose();

}
