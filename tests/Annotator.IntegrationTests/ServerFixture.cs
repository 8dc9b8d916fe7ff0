using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>One server for a test class, with a small byte limit so the limit can be tested with real photos.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public AnnotatorProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Uploads:MaxFileBytes"] = (3 * 1024 * 1024).ToString() });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>No image rows and no objects at all (tests using this fixture delete what they add).</summary>
    public async Task AssertNothingStoredAsync()
    {
        var list = await Server.Client.GetStringAsync("api/images");
        Assert.Contains("\"items\":[]", list);
        var objects = Path.Combine(Server.DataDirectory, "objects");
        var files = Directory.Exists(objects)
            ? Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.tmp/")).ToList()
            : [];
        Assert.Empty(files);
        var uploads = Path.Combine(Server.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || !Directory.EnumerateFiles(uploads).Any(), "temporary upload files were left behind");
    }
}
