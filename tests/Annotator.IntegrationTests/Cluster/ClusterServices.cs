namespace Annotator.IntegrationTests.Cluster;

/// <summary>
/// Servers of a cluster's own: <c>scripts/services start NAME...</c> in a folder of its own, so the cluster's database
/// and broker can be taken down and brought back (<c>scripts/services down|up NAME</c>: a clean stop, then the same
/// server on the same port with the same data) without touching the servers every other test shares.
/// </summary>
public sealed class ClusterServices : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("annotator-cluster-services-").FullName;
    private readonly string _logs;
    private Dictionary<string, string> _variables = [];

    private ClusterServices(string name) =>
        // Not the run's own services folder: start empties the log folder it is given.
        _logs = Path.Combine(Environment.GetEnvironmentVariable("ANNOTATOR_ARTIFACTS") ?? _directory, $"cluster-{name}");

    /// <summary>An <c>ANNOTATOR_TEST_*</c> variable of these servers, as <c>scripts/services env</c> prints it.</summary>
    public string this[string variable] => _variables.TryGetValue(variable, out var value) ? value
        : throw new KeyNotFoundException($"{variable} is not among these servers' variables ({string.Join(", ", _variables.Keys)})");

    public static async Task<ClusterServices> StartAsync(params string[] names)
    {
        var services = new ClusterServices(string.Join('-', names));
        try
        {
            await services.RunAsync(["start", .. names]);
            var env = await services.RunAsync(["-c", "eval \"$(scripts/services env)\" && env"], script: false);
            services._variables = env.Split('\n').Where(line => line.StartsWith("ANNOTATOR_TEST_"))
                .Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
            return services;
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    /// <summary>An outage: the server stops cleanly (its clients' connections end) and stays down until <see cref="UpAsync"/>.</summary>
    public Task DownAsync(string name) => RunAsync(["down", name]);

    /// <summary>The server again on its port with its data, once it answers.</summary>
    public Task UpAsync(string name) => RunAsync(["up", name]);

    public async ValueTask DisposeAsync()
    {
        try { await RunAsync(["stop"]); }
        finally { if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true); }
    }

    /// <summary>scripts/services with these arguments (or bash with them), for this folder; its output, or an exception with it.</summary>
    private async Task<string> RunAsync(string[] arguments, bool script = true)
    {
        var (exitCode, output, errors) = await RepositoryScript.RunAsync(
            new Dictionary<string, string> { ["ANNOTATOR_SERVICES_DIR"] = _directory, ["ANNOTATOR_ARTIFACTS"] = _logs },
            TimeSpan.FromMinutes(3), script ? ["scripts/services", .. arguments] : arguments);
        if (exitCode != 0)
            throw new InvalidOperationException($"scripts/services {string.Join(' ', arguments)} failed (exit code {exitCode}):\n{errors}");
        return output;
    }
}
