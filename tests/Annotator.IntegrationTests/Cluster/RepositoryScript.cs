using System.Diagnostics;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Cluster;

/// <summary>One of the repository's scripts (or bash with arguments) run from its root with extra variables, as a person runs it.</summary>
public static class RepositoryScript
{
    /// <summary>Its exit code, standard output and standard error; killed and a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = TestData.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)}: no end in {timeout}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
