using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// The process's one connection to the broker, opened with the topology declared, or a one-line
/// <see cref="RabbitMqSetupException"/>. The client reconnects by itself after a broker restart or a network loss;
/// meanwhile publishing throws. Channels, consumers and the topology are not recovered by the client but by their
/// owners (<see cref="QueueConsumer"/>, <see cref="ConfirmedPublisher"/>), which open new channels and declare again
/// once the connection is back: a consumer or a confirm lost in the client's recovery would otherwise wait for ever.
/// </summary>
public sealed class RabbitMqConnection : IAsyncDisposable
{
    /// <summary>How often a lost connection is tried again.</summary>
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger;
    private int _disposed;

    private RabbitMqConnection(IConnection connection, string safeUri, ILogger logger)
    {
        Connection = connection;
        SafeUri = safeUri;
        _logger = logger;
        connection.ConnectionShutdownAsync += OnShutdownAsync;
        connection.RecoverySucceededAsync += OnRecoveredAsync;
    }

    public IConnection Connection { get; }

    /// <summary>The broker's URI without the password.</summary>
    public string SafeUri { get; }

    public static async Task<RabbitMqConnection> OpenAsync(RabbitMqOptions options, RabbitMqTopology topology, ILogger logger, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.Uri),
            ClientProvidedName = $"annotator {Environment.MachineName} pid {Environment.ProcessId}",
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = false,
            NetworkRecoveryInterval = RecoveryInterval,
        };
        if (options.PasswordFile.Length > 0) factory.Password = (await File.ReadAllTextAsync(options.PasswordFile, cancellationToken)).Trim();

        IConnection connection;
        try
        {
            connection = await factory.CreateConnectionAsync(cancellationToken);
        }
        catch (BrokerUnreachableException e)
        {
            throw new RabbitMqSetupException($"cannot connect to RabbitMQ at {options.SafeUri}: {OneLine(Innermost(e).Message)}", e);
        }
        try
        {
            // The first channel also shows what the connection's opening did not wait for: a vhost refused or missing.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await topology.DeclareAsync(channel, cancellationToken);
        }
        catch (OperationInterruptedException e)
        {
            await connection.DisposeAsync();
            throw new RabbitMqSetupException($"cannot use RabbitMQ at {options.SafeUri}: {OneLine(e.ShutdownReason?.ReplyText ?? e.Message)}", e);
        }
        logger.LogInformation("Connected to RabbitMQ at {Uri} as {Name}", options.SafeUri, factory.ClientProvidedName);
        return new RabbitMqConnection(connection, options.SafeUri, logger);
    }

    /// <summary>Readiness: throws while the connection is down (being recovered).</summary>
    public void Check()
    {
        if (!Connection.IsOpen)
            throw new InvalidOperationException($"RabbitMQ at {SafeUri} is not connected: {OneLine(Connection.CloseReason?.ReplyText ?? "closed")}");
    }

    private Task OnShutdownAsync(object? sender, ShutdownEventArgs e)
    {
        if (e.Initiator != ShutdownInitiator.Application)
            _logger.LogWarning("Lost the connection to RabbitMQ at {Uri} ({Reason}); reconnecting every {Interval}", SafeUri, OneLine(e.ReplyText), RecoveryInterval);
        return Task.CompletedTask;
    }

    private Task OnRecoveredAsync(object? sender, AsyncEventArgs e)
    {
        _logger.LogInformation("Reconnected to RabbitMQ at {Uri}", SafeUri);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await Connection.CloseAsync();
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException)
        {
            // Closing a connection the broker already dropped: nothing left to close.
        }
        await Connection.DisposeAsync();
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
