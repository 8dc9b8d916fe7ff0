using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>A wrong setting stops the process at once, with one line per mistake and no stack trace.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Annotator:Uploads:MaxFileBytes", "-5", "Annotator:Uploads:MaxFileBytes must be a positive number of bytes.")]
    [InlineData("Annotator:Role", "boss", "Annotator:Role (--role) must be all, web or worker.")]
    [InlineData("Annotator:Thumbnails:Edge", "5", "Annotator:Thumbnails:Edge must be between 16 and 1024 pixels.")]
    [InlineData("Annotator:Thumbnails:PreviewFormat", "gif", "Annotator:Thumbnails:PreviewFormat must be jpeg or webp.")]
    [InlineData("Annotator:Thumbnails:Timeout", "0", "Annotator:Thumbnails:Timeout must be between 00:00:01 and 01:00:00.")]
    [InlineData("Annotator:Uploads:MaxConcurrent", "0", "Annotator:Uploads:MaxConcurrent must be between 1 and 10000.")]
    [InlineData("Annotator:Server:MaxEventStreams", "0", "Annotator:Server:MaxEventStreams must be between 1 and 1000000.")]
    [InlineData("Annotator:Exports:Retention", "00:00:00", "Annotator:Exports:Retention must be between 00:00:01 and 3650.00:00:00.")]
    public async Task A_wrong_setting_stops_the_server_with_one_clear_line(string key, string value, string message)
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string> { [key] = value }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"annotator: invalid configuration: {message}", Assert.Single(lines));
    }

    [Theory]
    [InlineData("Annotator:Catalog:Provider", "oracle")]
    [InlineData("Annotator:Storage:Provider", "ftp")]
    [InlineData("Annotator:Events:Provider", "kafka")]
    public async Task A_backend_this_build_does_not_have_stops_the_server_naming_the_ones_it_has(string key, string value)
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string> { [key] = value }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"annotator: invalid configuration: {key} is '{value}', not one of ", line);
    }

    [Fact]
    public async Task An_unreachable_backend_stops_the_server_with_one_line_naming_it()
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Annotator:Storage:Provider"] = "s3",
            ["Annotator:Storage:S3:ServiceUrl"] = "http://127.0.0.1:9",
            ["Annotator:Storage:S3:Bucket"] = "photos",
            ["AWS_ACCESS_KEY_ID"] = "x",
            ["AWS_SECRET_ACCESS_KEY"] = "y",
        }, TimeSpan.FromSeconds(90));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("annotator: cannot reach the object storage: ", line);
    }

    [Fact]
    public async Task A_port_in_use_stops_the_server_with_one_line()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>(), TimeSpan.FromSeconds(60), "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(2, exitCode);
        Assert.Equal($"annotator: cannot listen on http://127.0.0.1:{port}: address already in use",
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }
}
