using System.Diagnostics;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Aws;

/// <summary>
/// src/Annotator.Lambda published for linux-x64 as deploy/aws/publish does it (once per test run: it takes a while),
/// and its handlers run from that folder, each invocation in a fresh process through the test-only invoker.
/// </summary>
public static class LambdaPackage
{
    public const string Thumbnail = "Annotator.Lambda::Annotator.Lambda.CreateThumbnailFunction::HandleAsync";
    public const string Annotation = "Annotator.Lambda::Annotator.Lambda.CreateAnnotationFunction::HandleAsync";

    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The published folder (published on first use).</summary>
    public static Task<string> FolderAsync() => Published.Value;

    private static string Configuration => AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";

    private static async Task<string> PublishAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"annotator-lambda-{Environment.ProcessId}");
        var result = await RunAsync("dotnet", ["publish", Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Lambda"), "-c", Configuration,
            "-r", "linux-x64", "--no-self-contained", "-o", folder, "-nologo", "-v", "quiet"], "", new Dictionary<string, string>(), TimeSpan.FromMinutes(8));
        if (result.ExitCode != 0) throw new InvalidOperationException($"publishing Annotator.Lambda failed: {result.Output}{result.Error}");
        return folder;
    }

    /// <summary>Runs <paramref name="handler"/> once on <paramref name="event"/> with <paramref name="environment"/> as the function's.</summary>
    public static async Task<Invocation> InvokeAsync(string handler, JsonNode @event, IReadOnlyDictionary<string, string> environment)
    {
        var folder = await Published.Value;
        var invoker = Path.Combine(TestData.RepositoryRoot, "tests", "Annotator.Lambda.Invoker", "bin", Configuration, "net10.0", "Annotator.Lambda.Invoker.dll");
        var result = await RunAsync("dotnet", [invoker, folder, handler], @event.ToJsonString(), environment, TimeSpan.FromMinutes(2));
        return new Invocation(result.ExitCode, result.Output, result.Error);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string program, string[] arguments, string input, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // The function sees what Lambda gives it and what the template sets, nothing of the test run's own settings.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Annotator__", StringComparison.Ordinal) || k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran over {timeout}"); }
        return (process.ExitCode, await output, await error);
    }
}

/// <summary>One invocation's exit code, answer (stdout) and log (stderr).</summary>
public sealed record Invocation(int ExitCode, string Output, string Log)
{
    /// <summary>The message ids the function reported failed (SQS delivers them again).</summary>
    public IReadOnlyList<string> FailedItems
    {
        get
        {
            Assert.True(ExitCode == 0, $"the invocation failed ({ExitCode}): {Log}");
            var answer = JsonNode.Parse(Output)!.AsObject();
            return [.. answer["batchItemFailures"]!.AsArray().Select(f => (string)f!["itemIdentifier"]!)];
        }
    }
}

/// <summary>AWS's documented sample events (tests/testdata/aws), filled in and wrapped as SQS records.</summary>
public static class SampleEvents
{
    public static JsonObject ObjectCreated(string bucket, string key, DateTimeOffset time)
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "tests", "testdata", "aws", "eventbridge-s3-object-created.json")))!.AsObject();
        sample["time"] = time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        sample["resources"] = new JsonArray($"arn:aws:s3:::{bucket}");
        sample["detail"]!["bucket"]!["name"] = bucket;
        sample["detail"]!["object"]!["key"] = key;
        return sample;
    }

    public static JsonObject Record(string body, int receiveCount = 1, string? messageId = null)
    {
        var record = JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "tests", "testdata", "aws", "sqs-record.json")))!.AsObject();
        record["messageId"] = messageId ?? Guid.NewGuid().ToString();
        record["body"] = body;
        record["attributes"]!["ApproximateReceiveCount"] = receiveCount.ToString();
        return record;
    }

    public static JsonObject Batch(params JsonObject[] records) => new() { ["Records"] = new JsonArray([.. records.Select(r => r.DeepClone())]) };
}
