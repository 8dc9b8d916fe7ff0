using System.Text.Json.Nodes;
using Annotator.IntegrationTests.ScaleOut;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Aws;

/// <summary>
/// The web tier on AWS: its outbox (uploads, retries, re-captions, replays) goes to each function's SQS queue, in the
/// message the Lambda functions read; SQS here is a loopback server speaking its JSON protocol.
/// </summary>
[Collection(LambdaCollection.Name)]
public sealed class SqsEventBusTests(LambdaWorld world)
{
    private static async Task<AnnotatorProcess> StartWebOnSqsAsync(LambdaWorld world, FakeSqs sqs)
    {
        var settings = world.WebSettings();
        settings["Annotator:Events:Provider"] = "sqs";
        settings["Annotator:Events:Sqs:ServiceUrl"] = sqs.BaseUrl.ToString();
        settings["Annotator:Events:Sqs:Region"] = "eu-west-1";
        settings["Annotator:Events:Sqs:Queues:thumbnail"] = sqs.QueueUrl("annotator-thumbnail");
        settings["Annotator:Events:Sqs:Queues:caption"] = sqs.QueueUrl("annotator-caption");
        return await AnnotatorProcess.StartAsync(settings, arguments: ["--role", "web"]);
    }

    private static async Task<string> WaitForMessageAsync(FakeSqs sqs, string queue, string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (sqs.Messages(queue).FirstOrDefault(m => m.Contains($"\"{key}\"")) is { } message) return message;
            await Task.Delay(100);
        }
        throw new TimeoutException($"no message for {key} on {queue}: {string.Join(" | ", sqs.Messages(queue))}");
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task A_web_node_sends_each_upload_to_both_functions_queues_and_the_function_takes_it_from_there()
    {
        await using var sqs = await FakeSqs.StartAsync();
        await using var web = await StartWebOnSqsAsync(world, sqs);
        using var ready = await web.Client.GetAsync("/readyz"); // asks each queue for its attributes
        Assert.True(ready.IsSuccessStatusCode, await ready.Content.ReadAsStringAsync());

        var id = (await web.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        var key = $"raw/{id}.jpg";

        var thumbnailMessage = await WaitForMessageAsync(sqs, "annotator-thumbnail", key);
        await WaitForMessageAsync(sqs, "annotator-caption", key);
        Assert.Equal(key, (string?)JsonNode.Parse(thumbnailMessage)!["objectCreated"]!["key"]);

        var invocation = await LambdaPackage.InvokeAsync(LambdaPackage.Thumbnail, SampleEvents.Batch(SampleEvents.Record(thumbnailMessage)), world.Environment(LambdaPackage.Thumbnail));
        Assert.Empty(invocation.FailedItems);
        Assert.Equal("done", (string?)(await web.Client.GetImageAsync(id))!["thumbnail"]!["state"]);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task A_recaption_asked_on_a_web_node_reaches_the_caption_queue_and_the_function_captions_again()
    {
        await using var sqs = await FakeSqs.StartAsync();
        await using var web = await StartWebOnSqsAsync(world, sqs);
        var id = (await web.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();
        var key = $"raw/{id}.jpg";
        var upload = await WaitForMessageAsync(sqs, "annotator-caption", key);
        world.Gemini.Caption = "The first caption of a photo in a Lambda test.";
        Assert.Empty((await LambdaPackage.InvokeAsync(LambdaPackage.Annotation, SampleEvents.Batch(SampleEvents.Record(upload)), world.Environment(LambdaPackage.Annotation))).FailedItems);

        using var accepted = await web.Client.PostAsync($"api/images/{id}/recaption", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (sqs.Messages("annotator-caption").Count(m => m.Contains($"\"{key}\"")) < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        var recaption = sqs.Messages("annotator-caption").Where(m => m.Contains($"\"{key}\"")).Skip(1).First();
        world.Gemini.Caption = "The second caption of a photo in a Lambda test.";
        Assert.Empty((await LambdaPackage.InvokeAsync(LambdaPackage.Annotation, SampleEvents.Batch(SampleEvents.Record(recaption)), world.Environment(LambdaPackage.Annotation))).FailedItems);

        Assert.Equal("The second caption of a photo in a Lambda test.", (string?)(await web.Client.GetImageAsync(id))!["caption"]!["text"]);
    }

    [ServicesFact("ANNOTATOR_TEST_MYSQL", "ANNOTATOR_TEST_S3")]
    public async Task A_message_sqs_refuses_stays_in_the_outbox_and_is_sent_again()
    {
        await using var sqs = await FakeSqs.StartAsync();
        await using var web = await StartWebOnSqsAsync(world, sqs);
        sqs.RefuseNext = 1;

        var id = (await web.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"))).Id();

        await WaitForMessageAsync(sqs, "annotator-thumbnail", $"raw/{id}.jpg");
        await WaitForMessageAsync(sqs, "annotator-caption", $"raw/{id}.jpg");
        Assert.Contains("Could not relay the outbox to the event bus; trying again", web.Output);
        Assert.Contains("SQS refused 1 of", web.Output);
    }

    [Fact]
    public async Task A_web_node_on_sqs_without_a_functions_queue_does_not_start_and_says_which()
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Annotator:Events:Provider"] = "sqs",
            ["Annotator:Events:Sqs:Queues:thumbnail"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/annotator-thumbnail",
        }, TimeSpan.FromMinutes(1), "--role", "web");

        Assert.Equal(2, exitCode);
        Assert.Contains("Annotator:Events:Sqs:Queues:caption is not set: the URL of the caption function's queue", output);
    }
}
