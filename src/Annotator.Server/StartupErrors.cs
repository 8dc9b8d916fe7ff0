using System.Text.RegularExpressions;
using Annotator.Catalog;
using Annotator.Storage;
using Microsoft.Extensions.Options;

namespace Annotator.Server;

/// <summary>
/// A wrong setting or an unusable data folder stops the process before it starts serving, with one
/// clear line per problem on stderr and exit code 2, not a stack trace.
/// </summary>
public static partial class StartupErrors
{
    /// <summary>Returns true when the process can start; otherwise has said why on stderr.</summary>
    public static bool Check(WebApplication app)
    {
        try
        {
            // Validate every options class (ValidateOnStart) and open the stores now, while a failure
            // can still be reported plainly; the host would log it with a stack trace.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            app.Services.GetRequiredService<IImageCatalog>();
            app.Services.GetRequiredService<IObjectStore>();
        }
        catch (Exception e) when (Describe(e).ToList() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine($"annotator: {problem}");
            return false;
        }
        return true;
    }

    private static IEnumerable<string> Describe(Exception e) => e switch
    {
        OptionsValidationException v => v.Failures.Select(f => "invalid configuration: " + Plain(f)),
        AggregateException a => a.InnerExceptions.SelectMany(Describe),
        UnauthorizedAccessException or IOException => [$"cannot use the data folder (Annotator:DataDirectory): {e.Message}"],
        Microsoft.Data.Sqlite.SqliteException s => [$"cannot open the catalog database: {s.Message}"],
        _ when e.InnerException is { } inner => Describe(inner),
        _ => [],
    };

    /// <summary>Our ErrorMessages name the setting and the rule; drop the validator's wrapping around them.</summary>
    private static string Plain(string failure) =>
        DataAnnotationFailure().Match(failure) is { Success: true } match ? match.Groups[1].Value : failure;

    [GeneratedRegex(@"with the error: '(.*)'\.$")]
    private static partial Regex DataAnnotationFailure();
}
