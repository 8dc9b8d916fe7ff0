using Microsoft.Extensions.Options;

namespace Annotator.Server;

/// <summary>
/// A wrong setting or an unreachable data folder stops the process with one clear line on stderr
/// and exit code 2, not a stack trace.
/// </summary>
public static class StartupErrors
{
    public static async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            await Console.Error.WriteLineAsync($"annotator: {message}");
            return 2;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        OptionsValidationException v => "invalid configuration: " + string.Join("; ", v.Failures),
        AggregateException { InnerExceptions: [var inner] } => Describe(inner),
        UnauthorizedAccessException or IOException => $"cannot use the data folder: {e.Message}",
        Microsoft.Data.Sqlite.SqliteException s => $"cannot open the catalog database: {s.Message}",
        _ when e.InnerException is { } inner => Describe(inner),
        _ => null,
    };
}
