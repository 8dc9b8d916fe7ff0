using Annotator.Testing;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// The scale-out shape for real: a web node and a worker node apart, sharing the catalog, the objects and the events,
/// with a browser's view (the live stream) on the web node showing the work the worker did.
/// </summary>
public sealed class ScaleOutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Starts a worker and a web node with <paramref name="settings"/>, on one data folder or (<paramref name="apart"/>:
    /// nothing shared but the servers) each on its own; the web node last, so it serves at once.
    /// </summary>
    private static async Task<(AnnotatorProcess Worker, AnnotatorProcess Web)> StartPairAsync(Dictionary<string, string> settings, bool apart = false)
    {
        var worker = await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]);
        var web = await AnnotatorProcess.StartAsync(settings, apart ? null : worker.DataDirectory, "--role", "web");
        return (worker, web);
    }

    /// <summary>A worker and a web node apart, as on two machines: the catalog in <paramref name="catalog"/>'s database, the objects in a new S3 bucket.</summary>
    private static async Task<(AnnotatorProcess Worker, AnnotatorProcess Web)> StartApartOnS3Async(Dictionary<string, string> catalog)
    {
        foreach (var (key, value) in await TestServices.NewBucketAsync()) catalog[key] = value;
        return await StartPairAsync(catalog, apart: true);
    }

    private static async Task UploadOnWebAndSeeTheWorkersResultLiveAsync(AnnotatorProcess web)
    {
        await using var live = await LiveEvents.OpenAsync(web);
        var photo = TestData.Distinct("nikon-gps.jpg");
        var id = (await web.Client.UploadImageAsync(photo)).Id();

        var done = await live.WaitForAsync(id, "done", Patience);

        Assert.Equal("done", (string?)done["caption"]!["state"]);
        using var thumbnail = await web.Client.GetAsync((string)done["thumbnail"]!["url"]!);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        using var original = await web.Client.GetAsync($"api/images/{id}/original");
        Assert.Equal(new FileInfo(photo).Length, (await original.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_web_node_shows_live_what_a_worker_node_did_through_the_shared_catalog()
    {
        var (worker, web) = await StartPairAsync([]);
        await using (worker)
        await using (web)
            await UploadOnWebAndSeeTheWorkersResultLiveAsync(web);
    }

    [ServicesFact("ANNOTATOR_TEST_S3")]
    public async Task With_objects_in_s3_the_web_node_serves_what_the_worker_made_and_nothing_is_kept_locally()
    {
        var (worker, web) = await StartPairAsync(await TestServices.NewBucketAsync());
        await using (worker)
        await using (web)
        {
            await UploadOnWebAndSeeTheWorkersResultLiveAsync(web);
            Assert.False(Directory.Exists(Path.Combine(web.DataDirectory, "objects")));
        }
    }

    [ServicesFact("ANNOTATOR_TEST_POSTGRES")]
    public async Task Nodes_on_two_machines_share_only_postgresql_and_s3()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var (worker, web) = await StartApartOnS3Async(database.Settings);
        await using (worker)
        await using (web)
        {
            await UploadOnWebAndSeeTheWorkersResultLiveAsync(web);
            Assert.DoesNotContain(Directory.GetFileSystemEntries(web.DataDirectory), entry => !entry.EndsWith("uploads")); // no catalog file, no objects
        }
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL")]
    public async Task Nodes_on_two_machines_share_only_mariadb_s3_and_rabbitmq()
    {
        await using var database = await MySqlDatabase.CreateAsync();
        var settings = database.Settings;
        settings["Annotator:Events:Provider"] = "rabbitmq";
        settings["Annotator:Events:RabbitMq:Uri"] = TestServices.RabbitMq!;
        settings["Annotator:Events:RabbitMq:Prefix"] = $"it-{Guid.NewGuid():N}"; // queues of its own on the shared broker
        var (worker, web) = await StartApartOnS3Async(settings);
        await using (worker)
        await using (web)
            await UploadOnWebAndSeeTheWorkersResultLiveAsync(web);
    }

    [ServicesFact("ANNOTATOR_TEST_POSTGRES")]
    public async Task A_worker_killed_mid_work_is_taken_over_by_another_once_its_claims_expire()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        var settings = database.Settings;
        foreach (var (key, value) in await TestServices.NewBucketAsync()) settings[key] = value;
        settings["Annotator:Work:LeaseDuration"] = "00:00:03";
        string[] photos = ["phone-jolla.jpg", "camera-canon.jpg", "nikon-gps.jpg", "exif-landscape-1.jpg"];

        await using var web = await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]);
        var ids = new List<string>();
        for (var i = 0; i < 12; i++) ids.Add((await web.Client.UploadImageAsync(TestData.Distinct(photos[i % photos.Length]), $"photo-{i:00}.jpg")).Id());
        var first = await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]);
        await using (first)
        {
            // Killed once it holds claims: some images processing, not all done.
            var deadline = DateTime.UtcNow + Patience;
            while (await CountAsync(web, "processing") == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            first.Kill();
        }
        var stranded = await CountAsync(web, "processing");
        Assert.True(stranded > 0, "the worker finished everything before it was killed; the test proved nothing");

        await using var second = await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "worker"]);
        foreach (var id in ids)
        {
            var image = await web.Client.WaitUntilFinishedAsync(id, Patience);
            Assert.Equal("done", (string?)image["state"]);
            // Each piece of work took one attempt, or two when the killed worker held it.
            Assert.InRange((int)image["thumbnail"]!["attempts"]!, 1, 2);
            Assert.InRange((int)image["caption"]!["attempts"]!, 1, 2);
        }
    }

    private static async Task<int> CountAsync(AnnotatorProcess web, string state) =>
        System.Text.Json.Nodes.JsonNode.Parse(await web.Client.GetStringAsync($"api/images?state={state}&limit=200"))!["items"]!.AsArray().Count;
}
