namespace Annotator.Cli;

/// <summary>
/// What an import has done, appended one line per step to a file beside the run (tab-separated: step, path, detail),
/// flushed each time, so a run stopped at any moment can be resumed: files <c>done</c> or <c>refused</c> are not sent
/// again, and a file <c>started</c> but not finished is first looked for on the server (it may have arrived just before
/// the interruption) and sent only when it is not there.
/// </summary>
public sealed class ImportJournal : IAsyncDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();

    private ImportJournal(StreamWriter writer, IReadOnlySet<string> finished, IReadOnlySet<string> unfinished)
    {
        _writer = writer;
        Finished = finished;
        Unfinished = unfinished;
    }

    /// <summary>Paths uploaded or refused by an earlier run.</summary>
    public IReadOnlySet<string> Finished { get; }

    /// <summary>Paths an earlier run started and did not see finish.</summary>
    public IReadOnlySet<string> Unfinished { get; }

    public static async Task<ImportJournal> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var started = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(path))
            foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken))
            {
                var parts = line.Split('\t');
                if (parts.Length < 2) continue; // a line cut short by the interruption
                if (parts[0] == "started") started.Add(parts[1]);
                else if (parts[0] is "done" or "refused") finished.Add(parts[1]);
            }
        started.ExceptWith(finished);
        var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
        return new ImportJournal(writer, finished, started);
    }

    public void Started(string path) => Append("started", path, "");

    public void Done(string path, string imageId) => Append("done", path, imageId);

    public void Refused(string path, string reason) => Append("refused", path, reason);

    private void Append(string step, string path, string detail)
    {
        lock (_gate)
        {
            _writer.Write($"{step}\t{path}\t{detail.ReplaceLineEndings(" ").Replace('\t', ' ')}\n");
            _writer.Flush();
        }
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
