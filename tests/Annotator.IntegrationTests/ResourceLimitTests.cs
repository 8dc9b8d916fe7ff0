using System.Net;
using System.Net.Sockets;
using System.Text;
using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>Floods and stalls are refused at the door and the server keeps serving what it has.</summary>
public sealed class ResourceLimitTests
{
    private static async Task<TcpClient> ConnectAsync(AnnotatorProcess server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        return tcp;
    }

    /// <summary>
    /// Starts an upload of <paramref name="photo"/> over a raw connection and sends only its first
    /// <paramref name="sent"/> bytes: what a stalled or vanished client leaves the server with.
    /// </summary>
    private static async Task<TcpClient> StartUploadAsync(AnnotatorProcess server, byte[] photo, int sent)
    {
        var tcp = await ConnectAsync(server);
        var head = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"partial.jpg\"\r\n\r\n";
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {server.Token}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {head.Length + photo.Length + 8}\r\n\r\n{head}"));
        await stream.WriteAsync(photo.AsMemory(0, sent));
        return tcp;
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[8192];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer, cancel.Token);
            if (read == 0) break;
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_stalled_upload_is_answered_408_and_leaves_no_buffer()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Uploads:Timeout"] = "00:00:05" });
        var photo = File.ReadAllBytes(TestData.Distinct("phone-jolla.jpg"));
        using var tcp = await StartUploadAsync(server, photo, photo.Length / 2); // half of it, then nothing more

        var answer = await ReadHeadAsync(tcp.GetStream(), TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", answer);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        var uploads = Path.Combine(server.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || !Directory.EnumerateFiles(uploads).Any(), "the stalled upload's buffer was left behind");
        Assert.Contains("\"items\":[]", await server.Client.GetStringAsync("api/images"));
    }

    [Fact]
    public async Task Uploads_past_the_concurrency_limit_get_a_503_with_retry_after()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Uploads:MaxConcurrent"] = "1" });
        var photo = File.ReadAllBytes(TestData.Distinct("phone-jolla.jpg"));
        using var slow = await StartUploadAsync(server, photo, 1000);
        await Task.Delay(500); // the slow upload has its slot

        using var second = await server.Client.UploadAsync(TestData.Distinct("nikon-gps.jpg"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains("as many uploads at once as it is set to (1)", (string?)(await second.ProblemAsync())["detail"]);
        slow.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            using var retry = await server.Client.UploadAsync(TestData.Distinct("nikon-gps.jpg"));
            status = retry.StatusCode;
        } while (status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Created, status); // the slot is free again once the slow client is gone
    }

    [Fact]
    public async Task An_upload_that_would_fill_the_disk_gets_a_507_and_nothing_is_stored()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Uploads:MinFreeDiskBytes"] = long.MaxValue.ToString() });

        using var response = await server.Client.UploadAsync(TestData.Distinct("nikon-gps.jpg"));

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.StartsWith("the server's disk is nearly full", (string?)(await response.ProblemAsync())["detail"]);
        Assert.Contains("\"items\":[]", await server.Client.GetStringAsync("api/images"));
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_upload_is_no_error_and_leaves_nothing()
    {
        await using var server = await AnnotatorProcess.StartAsync();
        var photo = File.ReadAllBytes(TestData.Distinct("phone-jolla.jpg"));
        for (var i = 0; i < 5; i++)
        {
            using var tcp = await StartUploadAsync(server, photo, photo.Length / 2);
            tcp.Client.LingerState = new LingerOption(true, 0); // a reset, as a closed laptop lid or a dropped phone connection gives
        }
        await Task.Delay(1000);

        Assert.Equal("Healthy", await server.Client.GetStringAsync("healthz"));
        Assert.DoesNotContain("fail:", server.Output);
        Assert.DoesNotContain("Unhandled", server.Output);
        var uploads = Path.Combine(server.DataDirectory, "uploads");
        Assert.True(!Directory.Exists(uploads) || !Directory.EnumerateFiles(uploads).Any(), "an abandoned upload's buffer was left behind");
        Assert.Contains("\"items\":[]", await server.Client.GetStringAsync("api/images"));
    }

    [Fact]
    public async Task Upload_buffers_left_by_a_killed_process_are_removed_at_start()
    {
        var data = Directory.CreateTempSubdirectory("annotator-test-").FullName;
        var leftover = Path.Combine(data, "uploads", "ASPNETCORE_leftover.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllBytesAsync(leftover, new byte[1 << 20]);
        try
        {
            await using var server = await AnnotatorProcess.StartAsync(dataDirectory: data);

            Assert.False(File.Exists(leftover));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Event_streams_past_the_limit_get_a_503_with_retry_after_and_the_rest_keep_working()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Server:MaxEventStreams"] = "2" });
        using var client = server.NewClient(Timeout.InfiniteTimeSpan);
        using var first = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        using var second = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);

        using var third = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
        // The open streams still get every change.
        using var events = new StreamReader(await first.Content.ReadAsStreamAsync());
        var image = await server.Client.UploadImageAsync(TestData.Distinct("nikon-gps.jpg"));
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await events.ReadLineAsync(wait.Token) is { } line && !line.Contains(image.Id())) { }
        first.Dispose();
        // A closed stream frees its place.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode again;
        do
        {
            using var retry = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
            again = retry.StatusCode;
        } while (again != HttpStatusCode.OK && DateTime.UtcNow < deadline && await Task.Delay(100).ContinueWith(_ => true));
        Assert.Equal(HttpStatusCode.OK, again);
    }

    [Fact]
    public async Task Connections_past_the_limit_are_refused_and_the_server_stays_up()
    {
        await using var server = await AnnotatorProcess.StartAsync(new Dictionary<string, string> { ["Annotator:Server:MaxConnections"] = "20" });
        var held = new List<TcpClient>();
        try
        {
            // Each connection asks once and stays open (keep-alive), so it is surely counted before the next one comes:
            // no wait that a busy machine could outrun. The first one past the limit is closed unanswered.
            var refused = false;
            for (var i = 0; i < 30 && !refused; i++)
            {
                var tcp = await ConnectAsync(server);
                var stream = tcp.GetStream();
                await stream.WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
                if (await ReadHeadAsync(stream, TimeSpan.FromSeconds(10)) is "") { refused = true; tcp.Dispose(); }
                else held.Add(tcp);
            }
            Assert.True(refused, "no connection was refused past the limit of 20");
            Assert.InRange(held.Count, 1, 20);
        }
        finally
        {
            foreach (var tcp in held) tcp.Dispose();
        }
        Assert.False(server.HasExited);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var client = server.NewClient();
                Assert.Equal("Healthy", await client.GetStringAsync("healthz"));
                break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline) { await Task.Delay(100); }
        }
    }
}
