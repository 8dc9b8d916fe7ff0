using Annotator.Exports;
using Annotator.Storage.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Annotator.Tests.Exports;

/// <summary>What the retention sweep deletes: ended exports past their retention, with every object they have; never a running one.</summary>
public sealed class ExportSweepTests : IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private readonly string _root = Directory.CreateTempSubdirectory("annotator-exports-").FullName;
    private readonly FileSystemObjectStore _store;
    private readonly ExportJobs _jobs;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public ExportSweepTests()
    {
        _store = new FileSystemObjectStore(Options.Create(new FileSystemStorageOptions { Root = _root }));
        _jobs = new ExportJobs(_store);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ExportSweep Sweep() => new(_store, _jobs, Options.Create(new ExportOptions { Retention = Retention }), _clock, NullLogger<ExportSweep>.Instance);

    /// <summary>A job last written <paramref name="age"/> ago, with its archive and a leftover index line file.</summary>
    private async Task<string> JobAsync(ExportState state, TimeSpan age, bool finished = true)
    {
        var id = ExportJobs.NewId();
        var at = _clock.GetUtcNow() - age;
        await _jobs.SaveAsync(new ExportJob(id, "jsonl", null, "accepted,edited", null, true, ["train"], null, null, at, state, 1, 1, 0, 3, null,
            at, finished ? at : null), CancellationToken.None);
        await PutAsync(ExportJobs.ArchiveKey(id), age);
        await PutAsync(ExportJobs.LinesKey(id, "train"), age);
        return id;
    }

    private async Task PutAsync(string key, TimeSpan age)
    {
        await _store.PutAsync(key, new MemoryStream([1, 2, 3]), "application/octet-stream", CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_root, key), (_clock.GetUtcNow() - age).UtcDateTime);
    }

    private async Task<List<string>> KeysAsync() =>
        [.. (await _store.ListAsync(ExportJobs.Prefix, CancellationToken.None).ToListAsync()).Select(o => o.Key).Order()];

    [Fact]
    public async Task Ended_exports_past_their_retention_go_with_all_their_objects_and_the_rest_stay()
    {
        var old = Retention + TimeSpan.FromHours(1);
        var expiredDone = await JobAsync(ExportState.Done, old);
        var expiredFailed = await JobAsync(ExportState.Failed, old);
        var silent = await JobAsync(ExportState.Running, old, finished: false); // its node died long ago: failed, and as old
        var recent = await JobAsync(ExportState.Done, Retention - TimeSpan.FromHours(1));
        var running = await JobAsync(ExportState.Running, TimeSpan.FromSeconds(5), finished: false);
        var orphan = ExportJobs.NewId(); // an archive whose job is gone
        await PutAsync(ExportJobs.ArchiveKey(orphan), old);
        var youngOrphan = ExportJobs.NewId();
        await PutAsync(ExportJobs.ArchiveKey(youngOrphan), TimeSpan.FromMinutes(1));
        await PutAsync("exports/readme.txt", old); // not an export's: never touched

        Assert.Equal(4, await Sweep().SweepAsync(CancellationToken.None));

        var keys = await KeysAsync();
        foreach (var gone in new[] { expiredDone, expiredFailed, silent, orphan }) Assert.DoesNotContain(keys, k => k.Contains(gone));
        Assert.Equal(3, keys.Count(k => k.Contains(recent)));
        Assert.Equal(3, keys.Count(k => k.Contains(running)));
        Assert.Contains(ExportJobs.ArchiveKey(youngOrphan), keys);
        Assert.Contains("exports/readme.txt", keys);

        // Two nodes sweeping at once delete the same exports: the second finds nothing left to do, and fails on nothing.
        _clock.Advance(TimeSpan.FromHours(2));
        var sweeps = await Task.WhenAll(Sweep().SweepAsync(CancellationToken.None), Sweep().SweepAsync(CancellationToken.None));
        Assert.InRange(sweeps.Sum(), 1, 2); // recent is past its retention now
        Assert.Equal(5, (await KeysAsync()).Count); // the running export's three objects, the young orphan, the stranger
    }
}
