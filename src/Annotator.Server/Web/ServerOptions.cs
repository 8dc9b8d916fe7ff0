using System.ComponentModel.DataAnnotations;

namespace Annotator.Server.Web;

/// <summary>
/// <c>Annotator:Server</c>: how much the web tier takes on at once. Past these limits newcomers are
/// refused and the process keeps serving the requests it has; without them a flood of connections
/// ran the process out of file descriptors and it exited.
/// </summary>
public sealed class ServerOptions
{
    public const string Section = "Annotator:Server";

    /// <summary>Open connections at once; Kestrel closes new ones past this. Keep it below the descriptor limit (ulimit -n).</summary>
    [Range(10, 1_000_000, ErrorMessage = "Annotator:Server:MaxConnections must be between 10 and 1000000.")]
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Live event streams at once (each holds a connection for as long as a page is open); more get a 503.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Annotator:Server:MaxEventStreams must be between 1 and 1000000.")]
    public int MaxEventStreams { get; set; } = 5_000;
}
