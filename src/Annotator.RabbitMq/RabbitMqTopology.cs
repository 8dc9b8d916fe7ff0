using RabbitMQ.Client;

namespace Annotator.Events.RabbitMq;

/// <summary>
/// What the bus declares on the broker, and the names: the original design's rule with one target per function.
/// <list type="bullet">
/// <item><c>{prefix}.object-created</c>, a durable fanout exchange that events are published to;</item>
/// <item><c>{prefix}.{function}</c>, a quorum queue per function bound to it, with a delivery limit: a message
/// whose deliveries keep ending unsettled (its worker dies) moves to <c>{prefix}.{function}.dead</c>;</item>
/// <item><c>{prefix}.{function}.retry.{ms}</c>, a queue per retry delay whose messages expire back into the
/// function's queue after that delay (no delayed-message plugin needed).</item>
/// </list>
/// Declaring is idempotent, so every node declares everything at start.
/// </summary>
public sealed class RabbitMqTopology
{
    private readonly string _prefix;
    private readonly long[] _delays;

    /// <param name="retryDelays">The delays a retry may wait; a wait between two of them takes the longer one.</param>
    public RabbitMqTopology(string prefix, IEnumerable<string> functions, IEnumerable<TimeSpan> retryDelays, int deliveryLimit)
    {
        _prefix = prefix;
        Functions = [.. functions];
        _delays = [.. retryDelays.Select(Milliseconds).Distinct().Order()];
        DeliveryLimit = deliveryLimit;
    }

    public IReadOnlyList<string> Functions { get; }

    /// <summary>Deliveries of a message that may end unsettled; the next return moves it to the dead queue.</summary>
    public int DeliveryLimit { get; }

    public string Exchange => $"{_prefix}.object-created";

    public string Queue(string function) => $"{_prefix}.{function}";

    public string DeadQueue(string function) => $"{_prefix}.{function}.dead";

    /// <summary>
    /// The retry queue for a wait of <paramref name="delay"/>: the shortest declared one that is at least as long,
    /// or the longest when none is. Only "busy elsewhere" waits fall between (1-5 s); coming back a little later,
    /// or at worst sooner, only means the function looks at the claim again.
    /// </summary>
    public string RetryQueue(string function, TimeSpan delay)
    {
        var wanted = Milliseconds(delay);
        return RetryQueue(function, _delays.FirstOrDefault(d => d >= wanted, _delays[^1]));
    }

    /// <summary>Every queue, for removing them all (tests).</summary>
    public IEnumerable<string> Queues => Functions.SelectMany(f => (string[])[Queue(f), DeadQueue(f), .. _delays.Select(d => RetryQueue(f, d))]);

    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        foreach (var function in Functions) await DeclareAsync(channel, function, cancellationToken);
    }

    /// <summary>One function's queues and binding (again, after someone deleted them, before consuming).</summary>
    public async Task DeclareAsync(IChannel channel, string function, CancellationToken cancellationToken)
    {
        await QuorumQueueAsync(channel, DeadQueue(function), [], cancellationToken);
        await QuorumQueueAsync(channel, Queue(function), new()
        {
            ["x-delivery-limit"] = DeliveryLimit,
            ["x-dead-letter-routing-key"] = DeadQueue(function),
        }, cancellationToken);
        await channel.QueueBindAsync(Queue(function), Exchange, routingKey: "", cancellationToken: cancellationToken);
        foreach (var delay in _delays)
            await QuorumQueueAsync(channel, RetryQueue(function, delay), new()
            {
                ["x-message-ttl"] = delay,
                ["x-dead-letter-routing-key"] = Queue(function),
            }, cancellationToken);
    }

    /// <summary>
    /// A durable, replicated queue; one that dead-letters does it at least once through the default exchange
    /// (RabbitMQ 3.10+, which needs <c>reject-publish</c> overflow), so nothing expiring or given up on is lost in between.
    /// </summary>
    private static Task QuorumQueueAsync(IChannel channel, string name, Dictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        arguments["x-queue-type"] = "quorum";
        if (arguments.ContainsKey("x-dead-letter-routing-key"))
        {
            arguments["x-dead-letter-exchange"] = "";
            arguments["x-dead-letter-strategy"] = "at-least-once";
            arguments["x-overflow"] = "reject-publish";
        }
        return channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
    }

    private string RetryQueue(string function, long milliseconds) => $"{_prefix}.{function}.retry.{milliseconds}";

    private static long Milliseconds(TimeSpan delay) => (long)Math.Ceiling(Math.Max(0, delay.TotalMilliseconds));
}
