using System.Data.Common;
using System.Text.RegularExpressions;
using Annotator.Catalog;
using Annotator.Events;
using Annotator.Storage;
using Microsoft.Extensions.Options;

namespace Annotator.Server;

/// <summary>
/// A wrong setting, an unusable data folder or an unreachable backend stops the process before it starts serving,
/// with one clear line per problem on stderr and exit code 2, not a stack trace. The catalog is migrated here too,
/// before anything reads it: every node does it at start (the engines' locks make that safe), or <c>--migrate</c> alone.
/// </summary>
public static partial class StartupErrors
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Returns true when the process can start; otherwise has said why on stderr.</summary>
    public static async Task<bool> CheckAsync(WebApplication app)
    {
        try
        {
            // Validate every options class (ValidateOnStart) and open the stores now, while a failure
            // can still be reported plainly; the host would log it with a stack trace.
            app.Services.GetRequiredService<IStartupValidator>().Validate();
            CheckAddressesFree(app.Configuration["urls"]);
            using (var migration = new CancellationTokenSource(MigrationTimeout))
                foreach (var applied in await app.Services.GetRequiredService<ICatalogSchema>().MigrateAsync(migration.Token))
                    app.Logger.LogInformation("Applied catalog migration {Migration}", applied);
            await ReachAsync<IImageCatalog>(app, "catalog");
            await ReachAsync<IObjectStore>(app, "object storage");
            await ReachAsync<IEventBus>(app, "event bus");
        }
        catch (Exception e) when (Describe(e).ToList() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine($"annotator: {problem}");
            return false;
        }
        return true;
    }

    /// <summary>
    /// A port another process holds would make Kestrel fail later, with the host's stack trace: try each one first.
    /// (It could still be taken in between; Program then says so in one line too, after the host's own log.)
    /// </summary>
    private static void CheckAddressesFree(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || uri.Port <= 0) continue;
            var address = uri.Host == "localhost" ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
            if (address is null) continue;
            try
            {
                var probe = new System.Net.Sockets.TcpListener(address, uri.Port);
                probe.Start();
                probe.Stop();
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                throw new UnreachableException($"cannot listen on {url}: address already in use", e);
            }
        }
    }

    private static async Task ReachAsync<T>(WebApplication app, string what) where T : IReachable
    {
        using var timeout = new CancellationTokenSource(CheckTimeout);
        try
        {
            await app.Services.GetRequiredService<T>().CheckAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OptionsValidationException)
        {
            throw new UnreachableException($"cannot reach the {what}: {(timeout.IsCancellationRequested ? $"no answer in {CheckTimeout.TotalSeconds:0} s" : Describe(e).FirstOrDefault() ?? e.Message)}", e);
        }
    }

    private static IEnumerable<string> Describe(Exception e) => e switch
    {
        UnreachableException u => [u.Message],
        OptionsValidationException v => v.Failures.Select(f => "invalid configuration: " + Plain(f)),
        AggregateException a => a.InnerExceptions.SelectMany(Describe),
        UnauthorizedAccessException or IOException => [$"cannot use the data folder (Annotator:DataDirectory): {e.Message}"],
        DbException db => [$"cannot use the catalog database: {db.Message}"],
        _ when e.InnerException is { } inner => Describe(inner),
        _ => [],
    };

    /// <summary>Our ErrorMessages name the setting and the rule; drop the validator's wrapping around them.</summary>
    private static string Plain(string failure) =>
        DataAnnotationFailure().Match(failure) is { Success: true } match ? match.Groups[1].Value : failure;

    [GeneratedRegex(@"with the error: '(.*)'\.$")]
    private static partial Regex DataAnnotationFailure();

    private sealed class UnreachableException(string message, Exception inner) : Exception(message, inner);
}
