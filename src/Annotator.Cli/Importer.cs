namespace Annotator.Cli;

/// <summary>How an import went: files sent and stored, found already on the server, refused, and the bytes sent.</summary>
public sealed record ImportSummary(int Uploaded, int AlreadyThere, int Refused, long Bytes, TimeSpan Elapsed);

/// <summary>
/// Sends the files of a source through the API, at most <c>parallel</c> at a time, skipping what the journal says an
/// earlier run finished; a refusal goes to the report (path, then the server's reason) and the import goes on.
/// <paramref name="progress"/> hears of each file as it ends, with its bytes.
/// </summary>
public sealed class Importer(ApiClient api, ImportJournal journal, TextWriter report, int parallel)
{
    private int _uploaded;
    private int _alreadyThere;
    private int _refused;
    private long _bytes;

    public async Task<ImportSummary> RunAsync(IReadOnlyList<ImportFile> files, Action<ImportFile> progress, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (file, token) =>
        {
            await ImportAsync(file, token);
            progress(file);
        });
        return new ImportSummary(_uploaded, _alreadyThere, _refused, Interlocked.Read(ref _bytes), clock.Elapsed);
    }

    private async Task ImportAsync(ImportFile file, CancellationToken cancellationToken)
    {
        if (journal.Unfinished.Contains(file.Path) && await api.FindUploadedAsync(file, cancellationToken) is { } earlier)
        {
            journal.Done(file.Path, earlier);
            Interlocked.Increment(ref _alreadyThere);
            return;
        }
        journal.Started(file.Path);
        var outcome = await api.UploadAsync(file, cancellationToken);
        if (outcome.ImageId is { } id)
        {
            journal.Done(file.Path, id);
            Interlocked.Increment(ref outcome.AlreadyThere ? ref _alreadyThere : ref _uploaded);
            Interlocked.Add(ref _bytes, file.Length);
            return;
        }
        journal.Refused(file.Path, outcome.Refusal!);
        Interlocked.Increment(ref _refused);
        lock (report) report.WriteLine($"{file.Path}\t{outcome.Refusal}");
    }
}
