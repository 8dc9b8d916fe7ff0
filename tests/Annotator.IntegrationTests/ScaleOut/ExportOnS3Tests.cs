using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Annotator.Images;
using Annotator.Testing;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// Exports with the objects on S3 (the stand-in): the archive, the index lines and the written lines are all streamed
/// puts (multipart), the shards read the originals through ranged gets, and a delete leaves nothing under exports/.
/// </summary>
public sealed class ExportOnS3Tests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("annotator-export-s3-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [ServicesFact("ANNOTATOR_TEST_S3")]
    public async Task WebDataset_and_COCO_exports_stream_through_S3_and_a_delete_leaves_no_object()
    {
        var bucket = await TestServices.NewBucketAsync();
        await using var server = await AnnotatorProcess.StartAsync(bucket);
        var word = ExportApi.Word();
        var originals = await ExportApi.ImagesAsync(server.Client, word);

        var (shards, shardsZip) = await ExportApi.ExportAsync(server.Client,
            new { format = "webdataset", q = word, review = "accepted,edited,unreviewed", shardSamples = 2 }, _work);
        var samples = await DatasetReader.ReadAsync(shardsZip, "webdataset");
        Assert.Equal(originals.Keys.Order(), samples.Select(r => (string)r["id"]!).Order());
        Assert.All(samples, r => Assert.Equal(new FileInfo(originals[(string)r["id"]!]).Length, (long)r["bytes"]!));

        var (_, cocoZip) = await ExportApi.ExportAsync(server.Client,
            new { format = "coco", q = word, review = "accepted,edited,unreviewed", maxEdge = 120 }, _work);
        var images = await DatasetReader.ReadAsync(cocoZip, "coco");
        Assert.Equal(originals.Keys.Order(), images.Select(r => (string)r["id"]!).Order());
        foreach (var image in images)
        {
            var header = ImageInspector.Inspect(new MemoryStream(ExportApi.Bytes(cocoZip, (string)image["file"]!)), long.MaxValue);
            Assert.Equal((header.Width, header.Height), ((int)image["width"]!, (int)image["height"]!));
        }

        using (var deleted = await server.Client.DeleteAsync($"api/exports/{(string)shards["id"]!}"))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = TestServices.S3, ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket["Annotator:Storage:S3:Bucket"], Prefix = "exports/" });
        var keys = (left.S3Objects ?? []).Select(o => o.Key).ToList();
        Assert.DoesNotContain(keys, k => k.Contains((string)shards["id"]!));
        Assert.Equal(2, keys.Count); // the COCO export's progress and archive; its index and written lines went when it ended
    }
}
