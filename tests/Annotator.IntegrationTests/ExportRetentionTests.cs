using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>A finished export outlives <c>Annotator:Exports:Retention</c> (here two seconds) by at most half of it.</summary>
public sealed class ExportRetentionTests : IAsyncLifetime
{
    private AnnotatorProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Exports:Retention"] = "00:00:02" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_finished_export_and_its_objects_are_deleted_once_its_retention_has_passed()
    {
        using var started = await _server.Client.PostAsJsonAsync("api/exports", new { format = "csv" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (string)JsonNode.Parse(await started.Content.ReadAsStringAsync())!["id"]!;
        var exports = Path.Combine(_server.DataDirectory, "objects", "exports");

        JsonNode? job = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var response = await _server.Client.GetAsync($"api/exports/{id}");
            status = response.StatusCode;
            if (status == HttpStatusCode.OK) job = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        } while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.NotNull(job);
        if ((string?)job["state"] == "done") // seen done before it went: it said when it would go
            Assert.Equal(DateTimeOffset.Parse((string)job["finishedAt"]!) + TimeSpan.FromSeconds(2), DateTimeOffset.Parse((string)job["expiresAt"]!));
        Assert.DoesNotContain(Directory.EnumerateFiles(exports, "*", SearchOption.AllDirectories), f => f.Contains(id));
    }
}
