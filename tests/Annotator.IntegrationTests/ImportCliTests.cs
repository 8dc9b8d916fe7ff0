using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>
/// <c>annotator import</c> run as a person runs it, against a real server with a token: a folder tree uploaded, what
/// the server refuses listed with its reason, a second run sending nothing again, and a run interrupted after a file
/// reached the server but before the journal said so not sending that file twice.
/// </summary>
public sealed class ImportCliTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("annotator-import-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Photos => Path.Combine(_work, "photos");

    private Task<(int ExitCode, string Output)> ImportAsync(params string[] extra) => RunAsync(Photos, new Dictionary<string, string>(), extra);

    private async Task<(int ExitCode, string Output)> RunAsync(string source, Dictionary<string, string> environment, params string[] extra)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var cli = Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Cli", "bin", configuration, "net10.0", "annotator.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "import", source, "--server", fixture.Server.BaseAddress.ToString(), "--parallel", "3" }.Concat(extra))
            start.ArgumentList.Add(argument);
        start.Environment["ANNOTATOR_TOKEN"] = fixture.Server.Token;
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }

    private async Task<JsonArray> ImagesAsync() =>
        JsonNode.Parse(await fixture.Server.Client.GetStringAsync("api/images?limit=200"))!["items"]!.AsArray();

    /// <summary>The server's images from the folder test (the bucket test, sharing the server, uploads other names).</summary>
    private async Task<List<string>> FolderImagesAsync()
    {
        string[] ours = ["canon.jpg", "jolla.png", "nikon.jpg", "notes.jpg", "landscape.jpg", "portrait.jpg"];
        return [.. (await ImagesAsync()).Select(i => (string)i!["fileName"]!).Where(ours.Contains).Order()];
    }

    [Fact]
    public async Task A_folder_tree_is_uploaded_once_refusals_are_reported_and_an_interrupted_run_resumes_without_sending_twice()
    {
        Directory.CreateDirectory(Path.Combine(Photos, "2024", "summer"));
        File.Copy(TestData.Distinct("nikon-gps.jpg"), Path.Combine(Photos, "nikon.jpg"));
        File.Copy(TestData.Image("photo-jolla.png"), Path.Combine(Photos, "2024", "jolla.png"));
        File.Copy(TestData.Distinct("camera-canon.jpg"), Path.Combine(Photos, "2024", "summer", "canon.jpg"));
        await File.WriteAllTextAsync(Path.Combine(Photos, "2024", "summer", "notes.jpg"), "not a photo at all");
        await File.WriteAllTextAsync(Path.Combine(Photos, "readme.txt"), "not an image file name: never sent");

        var first = await ImportAsync();

        Assert.True(first.ExitCode == 1, first.Output); // 1: something was refused
        Assert.Contains("uploaded 3, already on the server 0, refused 1", first.Output);
        var report = await File.ReadAllLinesAsync(Path.Combine(_work, "annotator-import-refused.tsv"));
        var refused = Assert.Single(report).Split('\t');
        Assert.Equal((Path.Combine(Photos, "2024", "summer", "notes.jpg"), true), (refused[0], refused[1].StartsWith("415: ")));
        Assert.Equal(["canon.jpg", "jolla.png", "nikon.jpg"], await FolderImagesAsync());

        var again = await ImportAsync();
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("4 done by an earlier run; 0 to send", again.Output);
        Assert.Equal(3, (await FolderImagesAsync()).Count);

        // An interruption after the server stored a new file and before the journal recorded it: started, not done.
        File.Copy(TestData.Distinct("exif-landscape-1.jpg"), Path.Combine(Photos, "2024", "landscape.jpg"));
        File.Copy(TestData.Distinct("exif-portrait-6.jpg"), Path.Combine(Photos, "2024", "portrait.jpg"));
        await fixture.Server.Client.UploadImageAsync(Path.Combine(Photos, "2024", "landscape.jpg"));
        await File.AppendAllTextAsync(Path.Combine(_work, ".annotator-import"), $"started\t{Path.Combine(Photos, "2024", "landscape.jpg")}\t\n");

        var resumed = await ImportAsync("--no-progress");

        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("uploaded 1, already on the server 1, refused 0", resumed.Output);
        var names = await FolderImagesAsync();
        Assert.Single(names, n => n == "landscape.jpg");
        Assert.Single(names, n => n == "portrait.jpg");
    }

    [ServicesFact("ANNOTATOR_TEST_S3")]
    public async Task An_existing_bucket_prefix_is_backfilled_straight_from_S3()
    {
        var bucket = $"backfill-{Guid.NewGuid():N}"[..30];
        using (var s3 = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = TestServices.S3, ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        }))
        {
            await s3.PutBucketAsync(bucket);
            foreach (var (key, file) in new[] { ("trip/day1/harbour.jpg", "nikon-gps.jpg"), ("trip/hills.jpg", "exif-landscape-1.jpg"), ("elsewhere/skip.jpg", "camera-canon.jpg") })
                await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = key, FilePath = TestData.Image(file) });
        }
        var credentials = new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = "S3RVER", ["AWS_SECRET_ACCESS_KEY"] = "S3RVER", ["AWS_REGION"] = "us-east-1" };

        var run = await RunAsync($"s3://{bucket}/trip/", credentials, "--s3-endpoint", TestServices.S3!, "--no-progress");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("uploaded 2, already on the server 0, refused 0", run.Output);
        var names = (await ImagesAsync()).Select(i => (string)i!["fileName"]!).ToList();
        Assert.Contains("harbour.jpg", names);
        Assert.Contains("hills.jpg", names);
        Assert.DoesNotContain("skip.jpg", names);
        Assert.Contains($"2 done by an earlier run; 0 to send", (await RunAsync($"s3://{bucket}/trip/", credentials, "--s3-endpoint", TestServices.S3!)).Output);
    }

    [Fact]
    public async Task A_bad_token_or_folder_stops_before_sending_anything_with_one_line()
    {
        Directory.CreateDirectory(Photos);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        foreach (var argument in new[] { Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Cli", "bin", configuration, "net10.0", "annotator.dll"),
                     "import", Photos, "--server", fixture.Server.BaseAddress.ToString(), "--token", "ann_not-a-real-token" })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("import: the server refused the token (401): check --token or ANNOTATOR_TOKEN", errors.Trim());
        var missing = await ImportAsync("--journal", "j"); // the folder is fine; now a folder that is not there
        Assert.Equal(0, missing.ExitCode);
        Directory.Delete(Photos);
        var gone = await ImportAsync();
        Assert.Equal((2, true), (gone.ExitCode, gone.Output.Contains($"import: '{Photos}' is not a folder")));
    }
}
