using System.Text.Json.Nodes;
using Annotator.Events.Sqs;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Aws;

/// <summary>
/// CreateThumbnail and CreateAnnotation as Lambda runs them: from the published linux-x64 package, each invocation a
/// fresh process, given AWS's sample events wrapped as SQS records, against real MariaDB and the S3 stand-in, their
/// secrets from a loopback secrets extension.
/// </summary>
[Collection(LambdaCollection.Name)]
public sealed class LambdaHandlerTests(LambdaWorld world)
{
    private async Task<(string Id, string Key)> UploadAsync()
    {
        var id = (await world.Web.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        return (id, $"raw/{id}.jpg");
    }

    private JsonObject Event(string key, DateTimeOffset? time = null) => SampleEvents.ObjectCreated(world.Bucket, key, time ?? DateTimeOffset.UtcNow);

    private Task<Invocation> InvokeAsync(string handler, params JsonObject[] records) =>
        LambdaPackage.InvokeAsync(handler, SampleEvents.Batch(records), world.Environment(handler));

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task Both_functions_from_the_package_put_the_thumbnails_in_the_bucket_and_geminis_caption_in_the_catalog()
    {
        var (id, key) = await UploadAsync();
        var record = SampleEvents.Record(Event(key).ToJsonString());

        Assert.Empty((await InvokeAsync(LambdaPackage.Thumbnail, record)).FailedItems);
        Assert.Empty((await InvokeAsync(LambdaPackage.Annotation, record)).FailedItems);

        var image = (await world.Web.Client.GetImageAsync(id))!;
        Assert.Equal("done", (string?)image["thumbnail"]!["state"]);
        using var thumbnail = await world.Web.Client.GetAsync((string)image["thumbnail"]!["url"]!);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal("done", (string?)image["caption"]!["state"]);
        Assert.Equal(world.Gemini.Caption, (string?)image["caption"]!["text"]);
        Assert.Equal("gemini", (string?)image["caption"]!["provider"]);
        // The key came from the secrets extension and went to Gemini in its header only.
        Assert.NotEmpty(world.Gemini.Requests);
        Assert.All(world.Gemini.Requests, r => Assert.Equal(LambdaWorld.GeminiKey, r.Header("x-goog-api-key")));
        // libvips came with the package (NetVips.Native.linux-x64): Amazon Linux 2023 has none.
        Assert.True(File.Exists(Path.Combine(await LambdaPackage.FolderAsync(), "libvips.so.42")));
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task The_web_tiers_retry_message_is_handled_like_s3s_event()
    {
        var (id, key) = await UploadAsync();
        var message = SampleEvents.Record(ObjectCreatedMessage.Format(new Events.ObjectCreated(key), DateTimeOffset.UtcNow));

        Assert.Empty((await InvokeAsync(LambdaPackage.Thumbnail, message)).FailedItems);

        Assert.Equal("done", (string?)(await world.Web.Client.GetImageAsync(id))!["thumbnail"]!["state"]);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task An_iphone_heic_photo_is_thumbnailed_by_the_imagemagick_inside_the_package()
    {
        var id = (await world.Web.Client.UploadImageAsync(TestData.Image("phone-iphone13.heic"))).Id();

        Assert.Empty((await InvokeAsync(LambdaPackage.Thumbnail, SampleEvents.Record(Event($"raw/{id}.heic").ToJsonString()))).FailedItems);

        var image = (await world.Web.Client.GetImageAsync(id))!;
        Assert.Equal("done", (string?)image["thumbnail"]!["state"]);
        using var thumbnail = await world.Web.Client.GetAsync((string)image["thumbnail"]!["url"]!);
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
        // libvips' bundled build has no HEVC decoder: Magick.NET's native library (libheif inside) came with the package.
        Assert.True(File.Exists(Path.Combine(await LambdaPackage.FolderAsync(), "Magick.Native-Q8-x64.dll.so")));
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task A_thumbnails_key_or_a_malformed_body_is_dropped_with_a_log_line_and_not_retried()
    {
        var (id, _) = await UploadAsync();
        var thumbnailKey = SampleEvents.Record(Event($"thumbnails/{id}.webp").ToJsonString());
        var notJson = SampleEvents.Record("Test message.");
        var otherEvent = SampleEvents.Record("""{"source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}""");

        var invocation = await InvokeAsync(LambdaPackage.Thumbnail, thumbnailKey, notJson, otherEvent);

        Assert.Empty(invocation.FailedItems);
        Assert.Contains($"Dropped message {thumbnailKey["messageId"]}: thumbnails/{id}.webp is not an original under raw/", invocation.Log);
        Assert.Contains($"Dropped message {notJson["messageId"]}: the body is not JSON", invocation.Log);
        Assert.Contains($"Dropped message {otherEvent["messageId"]}: the body is neither an S3 Object Created event nor an objectCreated message", invocation.Log);
        Assert.Equal("pending", (string?)(await world.Web.Client.GetImageAsync(id))!["thumbnail"]!["state"]); // nothing ran
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task An_event_that_outruns_its_uploads_commit_is_delivered_again_and_then_done()
    {
        // The object is in the bucket but the image's row is not committed yet: hidden under another id meanwhile.
        var (id, key) = await UploadAsync();
        var hidden = Guid.NewGuid().ToString();
        await world.ExecuteAsync($"UPDATE images SET id = '{hidden}' WHERE id = '{id}'");
        var record = SampleEvents.Record(Event(key).ToJsonString());

        var early = await InvokeAsync(LambdaPackage.Thumbnail, record);

        Assert.Equal([(string)record["messageId"]!], early.FailedItems);
        Assert.Contains($"{key} is not in the catalog yet (its upload is committing): delivered again later", early.Log);

        // The commit lands; SQS delivers the message again after its visibility timeout.
        await world.ExecuteAsync($"UPDATE images SET id = '{id}' WHERE id = '{hidden}'");
        var again = SampleEvents.Record(Event(key).ToJsonString(), receiveCount: 2, messageId: (string)record["messageId"]!);
        Assert.Empty((await InvokeAsync(LambdaPackage.Thumbnail, again)).FailedItems);
        Assert.Equal("done", (string?)(await world.Web.Client.GetImageAsync(id))!["thumbnail"]!["state"]);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task An_event_for_an_image_the_catalog_never_got_is_dropped_once_no_upload_can_still_commit_it()
    {
        var key = $"raw/{Guid.CreateVersion7()}.jpg";
        var record = SampleEvents.Record(Event(key, DateTimeOffset.UtcNow - TimeSpan.FromHours(1)).ToJsonString());

        var invocation = await InvokeAsync(LambdaPackage.Thumbnail, record);

        Assert.Empty(invocation.FailedItems);
        Assert.Contains($"Dropped message {record["messageId"]}: {key} has no image in the catalog", invocation.Log);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task A_catalog_that_cannot_be_reached_fails_only_that_item_and_sqs_delivers_it_again()
    {
        var (id, key) = await UploadAsync();
        var environment = world.Environment(LambdaPackage.Thumbnail);
        // A secret naming a database server that is down: a port nobody listens on.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = (uint)((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        const string downSecret = LambdaWorld.DatabaseSecretId + "-down";
        world.Secrets.Set(downSecret, world.DatabaseSecret("127.0.0.1", port));
        environment["ANNOTATOR_DATABASE_SECRET_ID"] = downSecret;
        var record = SampleEvents.Record(Event(key).ToJsonString());
        var dropped = SampleEvents.Record("not an event");

        var invocation = await LambdaPackage.InvokeAsync(LambdaPackage.Thumbnail, SampleEvents.Batch(record, dropped), environment);

        Assert.Equal([(string)record["messageId"]!], invocation.FailedItems);
        Assert.Contains($"thumbnail could not handle {key}; SQS delivers it again", invocation.Log);
        Assert.Equal("pending", (string?)(await world.Web.Client.GetImageAsync(id))!["thumbnail"]!["state"]);
    }
}
