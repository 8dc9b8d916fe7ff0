using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Annotator.Testing;
using Annotator.Testing.Hostile;

namespace Annotator.IntegrationTests;

/// <summary>
/// Files built to pass every structural check and then hurt the next stage (see <see cref="HostileFiles"/>):
/// each is answered with a reason or processed to a final state, the server keeps serving, and nothing is
/// left behind.
/// </summary>
public sealed class HostileUploadTests(HostileUploadTests.Server fixture) : IClassFixture<HostileUploadTests.Server>
{
    public sealed class Server : IAsyncLifetime
    {
        public AnnotatorProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await AnnotatorProcess.StartAsync(new Dictionary<string, string>
        {
            ["Annotator:Uploads:MaxFilesPerRequest"] = "3",
            ["Annotator:Uploads:MaxDecodeBytes"] = "150000000",
        });

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }

    private HttpClient Client => fixture.Process.Client;

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes, string fileName)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
        return await Client.PostAsync("api/images", form);
    }

    private async Task AssertStillServingAsync()
    {
        Assert.False(fixture.Process.HasExited, "the server died:\n" + fixture.Process.Output);
        using var response = await Client.GetAsync("api/images?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var uploads = Path.Combine(fixture.Process.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || !Directory.EnumerateFiles(uploads).Any(), "upload buffers were left behind");
    }

    public static TheoryData<string> MetadataAttacks => ["ifd-chain", "tiff-pages", "ztxt-bomb", "itxt-bomb", "iccp-bomb"];

    [Fact]
    public async Task A_tiff_of_100000_pages_is_refused_at_upload()
    {
        // Each page costs nothing to store and is walked by libtiff at every open: 9 CPU-seconds per image.
        using var response = await UploadAsync(HostileFiles.TiffWithPages(100_000), "pages.tiff");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("pages.tiff: the TIFF has more than 1,000 pages, and every one is read each time it is opened: keep the pages you need in a smaller file",
            (string?)(await response.ProblemAsync())["detail"]);
        await AssertStillServingAsync();
    }

    private static (byte[] Bytes, string Name) Attack(string name) => name switch
    {
        "ifd-chain" => (HostileFiles.PngWithExifIfdChain(20_000), "ifd-chain.png"),     // a recursive EXIF reader overflowed its stack
        "tiff-pages" => (HostileFiles.TiffWithPages(1_000), "pages.tiff"),             // the same, one directory per page, as many as allowed
        "ztxt-bomb" => (HostileFiles.PngWithZtxtBomb(1L << 30), "ztxt.png"),           // 1 MB that inflated to 1 GB during the upload
        "itxt-bomb" => (HostileFiles.PngWithItxtBomb(1L << 30), "itxt.png"),
        "iccp-bomb" => (HostileFiles.PngWithIccpBomb(100_000), "iccp.png"),            // a profile claiming 100,000 tags took 683 MB
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(MetadataAttacks))]
    public async Task Hostile_metadata_is_accepted_without_facts_and_processed_to_a_final_state(string attack)
    {
        var (bytes, name) = Attack(attack);

        using var response = await UploadAsync(bytes, name);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var image = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Null(image["exif"]?["camera"]);
        var finished = await Client.WaitUntilFinishedAsync(image.Id());
        if ((string?)finished["state"] == "failed")
            Assert.False(string.IsNullOrWhiteSpace((string?)(finished["thumbnail"]!["error"] ?? finished["caption"]!["error"])), "failed without a reason");
        await AssertStillServingAsync();
        (await Client.DeleteAsync($"api/images/{image.Id()}")).Dispose();
    }

    [Fact]
    public async Task A_scan_bomb_is_refused_at_upload_with_the_reason()
    {
        // Legal, 1 MB, 100 MP and 2,647 progressive scans: four CPU-minutes of decoding.
        using var response = await UploadAsync(HostileFiles.ProgressiveJpegScanBomb(10_000, 10_000, 2_647), "scans.jpg");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("too-costly", (string?)problem["reason"]);
        Assert.StartsWith("scans.jpg: the JPEG has more than 100 progressive scans", (string?)problem["detail"]);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task An_image_that_would_need_more_memory_to_decode_than_allowed_is_refused_at_upload()
    {
        // 100 MP progressive: libjpeg holds 200 MB of coefficients until the last scan; this server allows 150 MB.
        using var response = await UploadAsync(HostileFiles.ProgressiveJpegScanBomb(10_000, 10_000, 2), "wide.jpg");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.Equal("too-costly", (string?)problem["reason"]);
        Assert.Equal("wide.jpg: decoding it would hold 200 MB in memory at once, over the 150 MB this server gives one image: "
            + "a progressive JPEG is decoded whole, save it as a baseline JPEG", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Too_many_files_in_one_request_answers_for_every_file_it_stored()
    {
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 5; i++) form.Add(new ByteArrayContent(File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg"))), "files", $"photo-{i}.jpg");

        using var response = await Client.PostAsync("api/images", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.StartsWith("too many files in one request: at most 3", (string?)problem["detail"]);
        var stored = problem["results"]!.AsArray().Select(r => (string)r!["image"]!["id"]!).ToList();
        Assert.Equal(3, stored.Count);
        foreach (var id in stored) Assert.NotNull(await Client.GetImageAsync(id)); // every stored file is named, none more
        foreach (var id in stored) (await Client.DeleteAsync($"api/images/{id}")).Dispose();
    }

    [Fact]
    public async Task A_multipart_body_without_its_final_boundary_is_a_400_naming_what_was_stored()
    {
        var photo = File.ReadAllBytes(TestData.Distinct("nikon-gps.jpg"));
        using var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.ASCII.GetBytes(s));
        Text("--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"one.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        body.Write(photo);
        Text("\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"two.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        body.Write(photo.AsSpan(0, 5_000)); // cut off: no closing boundary
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        using var response = await Client.PostAsync("api/images", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ProblemAsync();
        Assert.StartsWith("the multipart body is malformed", (string?)problem["detail"]);
        var stored = Assert.Single(problem["results"]!.AsArray());
        Assert.Equal("one.jpg", (string?)stored!["fileName"]);
        (await Client.DeleteAsync($"api/images/{(string)stored["image"]!["id"]!}")).Dispose();
        Assert.DoesNotContain("two.jpg", await Client.GetStringAsync("api/images"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Direction_overrides_are_removed_from_names_and_downloads()
    {
        using var response = await Client.UploadAsync(TestData.Distinct("nikon-gps.jpg"), "holiday\u202Egpj.exe");
        var image = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("holidaygpj.exe", (string?)image["fileName"]);
        using var download = await Client.GetAsync($"api/images/{image.Id()}/original?download=true");
        Assert.DoesNotContain("\u202E", download.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        Assert.Equal("holidaygpj.jpg", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        (await Client.DeleteAsync($"api/images/{image.Id()}")).Dispose();
    }

    [Fact]
    public async Task A_range_in_another_unit_than_bytes_is_ignored()
    {
        var photo = TestData.Distinct("nikon-gps.jpg");
        var image = await Client.UploadImageAsync(photo);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/images/{image.Id()}/original");
        request.Headers.TryAddWithoutValidation("Range", "items=0-1");

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new FileInfo(photo).Length, (await response.Content.ReadAsByteArrayAsync()).Length);
        (await Client.DeleteAsync($"api/images/{image.Id()}")).Dispose();
    }
}
