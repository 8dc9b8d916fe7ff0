using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Annotator.Bench.Hostile;

/// <summary>
/// Many open live streams (GET /api/events), as many open gallery pages hold: a raw socket each that sends
/// the request and reads and drops whatever comes. Raw sockets, not HttpClient, because the listeners run
/// on the same two cores as the server: the less they cost, the more of the figure is the server's.
/// </summary>
public sealed class LiveListeners : IAsyncDisposable
{
    private const int OpenAtOnce = 50;
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _readers = [];
    private long _bytes;
    private int _open, _refused;

    /// <summary>Streams the server answered 200 and is sending to.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Streams the server answered otherwise (503 past its cap) or closed at once.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Bytes the server has sent to all the streams together, headers included.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytes);

    public static async Task<LiveListeners> OpenAsync(IPEndPoint server, int count, CancellationToken cancellationToken)
    {
        var listeners = new LiveListeners();
        await Parallel.ForEachAsync(Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = OpenAtOnce, CancellationToken = cancellationToken },
            async (_, token) => await listeners.OpenOneAsync(server, token));
        return listeners;
    }

    private async Task OpenOneAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lock (_sockets) _sockets.Add(socket);
        await socket.ConnectAsync(server, cancellationToken);
        var request = $"GET /api/events HTTP/1.1\r\nHost: {server}\r\nAccept: text/event-stream\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);

        // The status line and the first ping arrive together: the stream is open (or refused) once they have.
        var buffer = new byte[4096];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        Interlocked.Add(ref _bytes, read);
        if (read == 0 || !Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refused);
            return;
        }
        Interlocked.Increment(ref _open);
        lock (_readers) _readers.Add(DrainAsync(socket, buffer));
    }

    private async Task DrainAsync(Socket socket, byte[] buffer)
    {
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0) Interlocked.Add(ref _bytes, read);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { /* closed: by us at the end, or by a server that died */ }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_sockets) foreach (var socket in _sockets) socket.Dispose();
        Task[] readers;
        lock (_readers) readers = [.. _readers];
        await Task.WhenAll(readers);
    }
}
