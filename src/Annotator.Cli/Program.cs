// annotator: the command line. `annotator import PATH` uploads a folder tree through the REST API with a token;
// `annotator export --format F` makes a dataset export on the server and downloads it.
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Annotator.Cli;
using Spectre.Console;

var root = new RootCommand("Annotator from the command line: a client of the REST API with a personal access token.");
var path = new Argument<string>("path") { Description = "The folder to import (every image file in its tree), or s3://bucket/prefix" };
var server = new Option<string>("--server")
{
    Description = "The server's address (or ANNOTATOR_URL)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ANNOTATOR_URL") ?? "http://localhost:5000",
};
var token = new Option<string?>("--token") { Description = "A personal access token with the upload scope (or ANNOTATOR_TOKEN)" };
var parallel = new Option<int>("--parallel") { Description = "Uploads at once (1-32)", DefaultValueFactory = _ => 4 };
var journalPath = new Option<string?>("--journal") { Description = "The file that makes the import resumable (default: .annotator-import in the current folder)" };
var reportPath = new Option<string?>("--report") { Description = "Where refused files are listed with the server's reason (default: annotator-import-refused.tsv)" };
var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar, only the summary (for logs)" };
var s3Endpoint = new Option<string?>("--s3-endpoint") { Description = "For s3://: an S3-compatible server's address instead of AWS (credentials: the AWS SDK's chain)" };
var s3Region = new Option<string?>("--s3-region") { Description = "For s3://: the bucket's region (default: the AWS SDK's)" };
var import = new Command("import", "Upload a folder tree through the API: resumable, parallel, with a progress bar and a report of what the server refused")
{
    path, server, token, parallel, journalPath, reportPath, noProgress, s3Endpoint, s3Region,
};
import.SetAction((parsed, cancellationToken) => ImportAsync(parsed, cancellationToken));
root.Subcommands.Add(import);

var format = new Option<string?>("--format") { Description = "imagefolder, jsonl, csv, coco, llava or webdataset (the server checks it)" };
var search = new Option<string?>("--q", "--search") { Description = "Only images this search finds (file name, caption, annotation)" };
var review = new Option<string?>("--review") { Description = "Review states to take, e.g. accepted,edited,unreviewed (default: accepted,edited)" };
var split = new Option<string?>("--split") { Description = "Fractions by id hash, e.g. train=0.8,validation=0.1,test=0.1 (default: all train)" };
var maxEdge = new Option<int?>("--max-edge") { Description = "JPEG copies whose longest side is at most this many pixels (default: the originals)" };
var noMetadata = new Option<bool>("--no-metadata") { Description = "Leave out each image's metadata (file name, size, camera, reviewer…)" };
var shardSamples = new Option<int?>("--shard-samples") { Description = "webdataset: samples per tar shard (default 1000)" };
var output = new Option<string?>("--output", "-o") { Description = "Where to save the ZIP (default: the server's name for it, in the current folder)" };
var exportToken = new Option<string?>("--token") { Description = "A personal access token with the write scope (or ANNOTATOR_TOKEN)" };
var export = new Command("export", "Make a dataset export on the server, follow its progress and download the ZIP")
{
    format, search, review, split, maxEdge, noMetadata, shardSamples, output, server, exportToken, noProgress,
};
export.SetAction((parsed, cancellationToken) => ExportAsync(parsed, cancellationToken));
root.Subcommands.Add(export);
return await root.Parse(args).InvokeAsync();

async Task<int> ImportAsync(ParseResult parsed, CancellationToken cancellationToken)
{
    var folder = parsed.GetValue(path)!;
    var fromBucket = BucketSource.TryParse(folder, out var bucket, out var prefix);
    if (!fromBucket && folder.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return Fail("import", $"'{folder}' names no bucket: write s3://bucket/prefix");
    if (!fromBucket && !Directory.Exists(folder)) return Fail("import", $"'{folder}' is not a folder");
    if (!Uri.TryCreate(parsed.GetValue(server), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        return Fail("import", $"--server '{parsed.GetValue(server)}' is not an http(s) address");
    var secret = parsed.GetValue(token) ?? Environment.GetEnvironmentVariable("ANNOTATOR_TOKEN");
    if (string.IsNullOrWhiteSpace(secret)) return Fail("import", "no token: pass --token or set ANNOTATOR_TOKEN (make one on the server's My tokens page, with the upload scope)");
    var width = parsed.GetValue(parallel);
    if (width is < 1 or > 32) return Fail("import", "--parallel must be between 1 and 32");

    using var http = ApiClient.Create(new Uri(address.ToString().TrimEnd('/') + "/"), secret.Trim());
    var api = new ApiClient(http);
    if ((await api.WhoAmIAsync("upload", cancellationToken)).Problem is { } problem) return Fail("import", problem);

    List<ImportFile> all;
    using var s3 = fromBucket ? BucketSource.Client(parsed.GetValue(s3Endpoint), parsed.GetValue(s3Region)) : null;
    try
    {
        all = s3 is null ? [.. FolderSource.Files(folder)] : await BucketSource.FilesAsync(s3, bucket, prefix, cancellationToken);
    }
    catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
    {
        return Fail("import", $"could not list {folder}: {e.Message}");
    }
    await using var journal = await ImportJournal.OpenAsync(parsed.GetValue(journalPath) ?? ".annotator-import", cancellationToken);
    var todo = all.Where(f => !journal.Finished.Contains(f.Path)).ToList();
    var reportFile = parsed.GetValue(reportPath) ?? "annotator-import-refused.tsv";
    await using var report = new StreamWriter(reportFile, append: true) { AutoFlush = true };
    var importer = new Importer(api, journal, report, width);
    var bytes = todo.Sum(f => f.Length);
    Console.WriteLine($"{all.Count} image files in {folder}; {all.Count - todo.Count} done by an earlier run; {todo.Count} to send ({Size(bytes)}), {width} at a time");

    ImportSummary summary;
    try
    {
        if (parsed.GetValue(noProgress) || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            summary = await importer.RunAsync(todo, _ => { }, cancellationToken);
        }
        else
        {
            summary = null!;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                    new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"0 of {todo.Count} files", maxValue: Math.Max(1, bytes));
                    var finished = 0;
                    summary = await importer.RunAsync(todo, file =>
                    {
                        task.Increment(file.Length);
                        task.Description = $"{Interlocked.Increment(ref finished)} of {todo.Count} files";
                    }, cancellationToken);
                });
        }
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("import: stopped; run the same command again to go on where it stopped");
        return 130;
    }
    catch (HttpRequestException e)
    {
        return Fail("import", $"{e.Message}; run the same command again to go on where it stopped");
    }

    var seconds = Math.Max(summary.Elapsed.TotalSeconds, 0.001);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"uploaded {summary.Uploaded}, already on the server {summary.AlreadyThere}, refused {summary.Refused}; {Size(summary.Bytes)} in {seconds:0.0} s ({summary.Uploaded / seconds:0.0} files/s, {Size((long)(summary.Bytes / seconds))}/s)"));
    if (summary.Refused > 0) Console.WriteLine($"refused files and the server's reasons: {reportFile}");
    return summary.Refused > 0 ? 1 : 0;
}

async Task<int> ExportAsync(ParseResult parsed, CancellationToken cancellationToken)
{
    if (!Uri.TryCreate(parsed.GetValue(server), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        return Fail("export", $"--server '{parsed.GetValue(server)}' is not an http(s) address");
    var secret = parsed.GetValue(exportToken) ?? Environment.GetEnvironmentVariable("ANNOTATOR_TOKEN");
    if (string.IsNullOrWhiteSpace(secret)) return Fail("export", "no token: pass --token or set ANNOTATOR_TOKEN (make one on the server's My tokens page, with the write scope)");
    if (parsed.GetValue(format) is not { } formatName) return Fail("export", "--format is required: imagefolder, jsonl, csv, coco, llava or webdataset");
    var body = new JsonObject { ["format"] = formatName, ["metadata"] = !parsed.GetValue(noMetadata) };
    if (parsed.GetValue(search) is { } q) body["q"] = q;
    if (parsed.GetValue(review) is { } states) body["review"] = states;
    if (parsed.GetValue(maxEdge) is { } edge) body["maxEdge"] = edge;
    if (parsed.GetValue(shardSamples) is { } samples) body["shardSamples"] = samples;
    if (parsed.GetValue(split) is { } fractions)
    {
        if (SplitArgument.Parse(fractions) is not { } parsedSplit) return Fail("export", $"--split '{fractions}' is not like train=0.8,validation=0.1,test=0.1");
        body["split"] = parsedSplit;
    }
    var target = parsed.GetValue(output);
    if (target is not null && CheckOutput(target) is { } bad) return Fail("export", bad);

    using var http = ApiClient.Create(new Uri(address.ToString().TrimEnd('/') + "/"), secret.Trim());
    if ((await new ApiClient(http).WhoAmIAsync("write", cancellationToken)).Problem is { } problem) return Fail("export", problem);
    var exports = new ExportClient(http);
    var (started, refusal, busy) = await exports.StartAsync(body, cancellationToken);
    if (started is null) return busy ? Fail("export", refusal!, exitCode: 1) : Fail("export", refusal!);
    target ??= $"annotator-{started.Format}-{started.Id[..8]}.zip";
    if (CheckOutput(target) is { } taken) return Fail("export", taken);
    Console.WriteLine($"export {started.Id}: {started.Format}, {started.Total} images");

    var clock = System.Diagnostics.Stopwatch.StartNew();
    ExportStatus job;
    try
    {
        if (parsed.GetValue(noProgress) || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            job = await exports.FollowAsync(started.Id, _ => { }, cancellationToken);
            if (job.State == "done") await exports.DownloadAsync(job, target, _ => { }, cancellationToken);
        }
        else
        {
            job = started;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var making = context.AddTask($"0 of {started.Total} images", maxValue: Math.Max(1, started.Total));
                    job = await exports.FollowAsync(started.Id, status =>
                    {
                        making.Value = status.Done + status.Skipped;
                        making.Description = $"{status.Done} of {status.Total} images";
                    }, cancellationToken);
                    if (job.State != "done") return;
                    making.Value = making.MaxValue;
                    var downloading = context.AddTask($"download {Size(job.SizeBytes ?? 0)}", maxValue: Math.Max(1, job.SizeBytes ?? 0));
                    await exports.DownloadAsync(job, target, read => downloading.Increment(read), cancellationToken);
                });
        }
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine($"export: stopped; export {started.Id} goes on on the server (GET /api/exports/{started.Id}, then /download)");
        return 130;
    }
    catch (Exception e) when (e is HttpRequestException or IOException)
    {
        return Fail("export", $"{e.Message} (export {started.Id}; nothing was saved to {target})", exitCode: 1);
    }
    if (job.State != "done") return Fail("export", $"the server could not make export {job.Id}: {job.Error}", exitCode: 1);

    var skipped = job.Skipped > 0 ? $" ({job.Skipped} left out: no caption, or deleted meanwhile)" : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"exported {job.Done} images{skipped} to {target}: {Size(job.SizeBytes ?? 0)} in {clock.Elapsed.TotalSeconds:0.0} s"));
    return 0;
}

/// <summary>The one line saying why <paramref name="file"/> cannot be written, or null: an export never replaces a file.</summary>
static string? CheckOutput(string file)
{
    if (File.Exists(file) || Directory.Exists(file)) return $"'{file}' exists already: pass another --output, or remove it";
    var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
    return Directory.Exists(folder) ? null : $"the folder of --output, '{folder}', does not exist";
}

static int Fail(string command, string message, int exitCode = 2)
{
    Console.Error.WriteLine($"{command}: {message}");
    return exitCode;
}

static string Size(long bytes) => bytes switch
{
    < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
    < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB"),
    _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GB"),
};
