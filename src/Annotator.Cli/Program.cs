// annotator: the command line. `annotator import PATH` uploads a folder tree through the REST API with a token.
using System.CommandLine;
using System.Globalization;
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
return await root.Parse(args).InvokeAsync();

async Task<int> ImportAsync(ParseResult parsed, CancellationToken cancellationToken)
{
    var folder = parsed.GetValue(path)!;
    var fromBucket = BucketSource.TryParse(folder, out var bucket, out var prefix);
    if (!fromBucket && folder.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)) return Fail($"'{folder}' names no bucket: write s3://bucket/prefix");
    if (!fromBucket && !Directory.Exists(folder)) return Fail($"'{folder}' is not a folder");
    if (!Uri.TryCreate(parsed.GetValue(server), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        return Fail($"--server '{parsed.GetValue(server)}' is not an http(s) address");
    var secret = parsed.GetValue(token) ?? Environment.GetEnvironmentVariable("ANNOTATOR_TOKEN");
    if (string.IsNullOrWhiteSpace(secret)) return Fail("no token: pass --token or set ANNOTATOR_TOKEN (make one on the server's My tokens page, with the upload scope)");
    var width = parsed.GetValue(parallel);
    if (width is < 1 or > 32) return Fail("--parallel must be between 1 and 32");

    using var http = ApiClient.Create(new Uri(address.ToString().TrimEnd('/') + "/"), secret.Trim());
    var api = new ApiClient(http);
    if ((await api.WhoAmIAsync(cancellationToken)).Problem is { } problem) return Fail(problem);

    List<ImportFile> all;
    using var s3 = fromBucket ? BucketSource.Client(parsed.GetValue(s3Endpoint), parsed.GetValue(s3Region)) : null;
    try
    {
        all = s3 is null ? [.. FolderSource.Files(folder)] : await BucketSource.FilesAsync(s3, bucket, prefix, cancellationToken);
    }
    catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
    {
        return Fail($"could not list {folder}: {e.Message}");
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
        return Fail($"{e.Message}; run the same command again to go on where it stopped");
    }

    var seconds = Math.Max(summary.Elapsed.TotalSeconds, 0.001);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"uploaded {summary.Uploaded}, already on the server {summary.AlreadyThere}, refused {summary.Refused}; {Size(summary.Bytes)} in {seconds:0.0} s ({summary.Uploaded / seconds:0.0} files/s, {Size((long)(summary.Bytes / seconds))}/s)"));
    if (summary.Refused > 0) Console.WriteLine($"refused files and the server's reasons: {reportFile}");
    return summary.Refused > 0 ? 1 : 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"import: {message}");
    return 2;
}

static string Size(long bytes) => bytes switch
{
    < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
    < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB"),
    _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.00} GB"),
};
