using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>
/// <c>annotator export</c> run as a person runs it, against a real server with a token: the export made and its ZIP
/// saved where asked, and a bad token, argument or output refused in one line before anything starts.
/// </summary>
public sealed class ExportCliTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("annotator-export-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private async Task<(int ExitCode, string Output, string Errors)> ExportAsync(params string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var cli = Path.Combine(TestData.RepositoryRoot, "src", "Annotator.Cli", "bin", configuration, "net10.0", "annotator.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "export", "--server", fixture.Server.BaseAddress.ToString() }.Concat(arguments)) start.ArgumentList.Add(argument);
        start.Environment["ANNOTATOR_TOKEN"] = fixture.Server.Token;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, (await errors).Trim());
    }

    [Fact]
    public async Task An_export_is_made_on_the_server_and_its_ZIP_saved_to_the_output()
    {
        var word = "cli" + Guid.NewGuid().ToString("N")[..8];
        var kept = (await fixture.Server.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"), $"{word}-kept.jpg")).Id();
        var unreviewed = (await fixture.Server.Client.UploadImageAsync(TestData.Distinct("camera-canon.jpg"), $"{word}-other.jpg")).Id();
        await fixture.Server.Client.WaitUntilFinishedAsync(kept);
        await fixture.Server.Client.WaitUntilFinishedAsync(unreviewed);
        (await fixture.Server.Client.PutAsJsonAsync($"api/images/{kept}/annotation", new { status = "edited", text = "A boat on a calm sea." })).EnsureSuccessStatusCode();

        var run = await ExportAsync("--format", "jsonl", "--q", word, "--split", "train=0.5,test=0.5", "--no-metadata", "--output", "set.zip");

        Assert.True(run.ExitCode == 0, run.Output + run.Errors);
        Assert.Contains("exported 1 images to set.zip", run.Output);
        using var zip = ZipFile.OpenRead(Path.Combine(_work, "set.zip"));
        using var reader = new StreamReader(zip.GetEntry("data.jsonl")!.Open());
        var line = JsonNode.Parse(await reader.ReadToEndAsync())!;
        Assert.Equal((kept, "A boat on a calm sea."), ((string?)line["id"], (string?)line["text"]));
        Assert.Contains((string?)line["split"], new[] { "train", "test" });
        Assert.Null(line["original_file_name"]);
        Assert.NotNull(zip.GetEntry($"images/{kept}.jpg"));
        Assert.Equal(["set.zip"], Directory.EnumerateFileSystemEntries(_work).Select(Path.GetFileName)); // no .part left

        // The same output again is refused: an export never replaces a file.
        var again = await ExportAsync("--format", "jsonl", "--q", word, "--output", "set.zip");
        Assert.Equal((2, "export: 'set.zip' exists already: pass another --output, or remove it"), (again.ExitCode, again.Errors));
    }

    [Theory]
    [InlineData("ann_not-a-real-token", new[] { "--format", "csv" }, "export: the server refused the token (401): check --token or ANNOTATOR_TOKEN")]
    [InlineData(null, new[] { "--format", "parquet" }, "export: the server answered 400: format 'parquet' is not one of imagefolder, jsonl, csv, coco, llava, webdataset")]
    [InlineData(null, new[] { "--format", "coco", "--split", "train=0.8,valid=0.2" }, "export: --split 'train=0.8,valid=0.2' is not like train=0.8,validation=0.1,test=0.1")]
    [InlineData(null, new[] { "--format", "coco", "--split", "train=0.8,test=0.1" }, "export: the server answered 400: split fractions add up to 0.9, not 1")]
    [InlineData(null, new string[0], "export: --format is required: imagefolder, jsonl, csv, coco, llava or webdataset")]
    public async Task A_bad_token_or_argument_stops_with_one_line_and_exit_code_2(string? token, string[] arguments, string expected)
    {
        var run = await ExportAsync([.. arguments, .. token is null ? Array.Empty<string>() : ["--token", token]]);

        Assert.Equal((2, expected), (run.ExitCode, run.Errors));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }
}
