using Annotator.Testing;

namespace Annotator.IntegrationTests;

/// <summary>A caption provider set up wrongly stops the server at start-up with one line naming the setting.</summary>
public sealed class CaptionSettingsTests
{
    [Fact]
    public async Task Gemini_without_a_key_stops_the_server_with_one_clear_line()
    {
        var (exitCode, output) = await AnnotatorProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Annotator:Captions:Provider"] = "gemini",
            ["GEMINI_API_KEY"] = "",
            ["GEMINI_API_KEY_FILE"] = "",
        }, TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("annotator:"));
        Assert.Equal("annotator: invalid configuration: Annotator:Captions:Provider is gemini but no key: set GEMINI_API_KEY or GEMINI_API_KEY_FILE", line);
    }
}
