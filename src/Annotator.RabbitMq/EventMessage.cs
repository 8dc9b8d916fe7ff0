using System.Text.Json;
using RabbitMQ.Client;

namespace Annotator.Events.RabbitMq;

/// <summary>An <see cref="ObjectCreated"/> as a message: a small JSON body, persistent, its failed attempts in a header.</summary>
internal static class EventMessage
{
    public const string AttemptsHeader = "x-annotator-attempts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ReadOnlyMemory<byte> Body(ObjectCreated @event) => JsonSerializer.SerializeToUtf8Bytes(@event, Json);

    /// <summary>New for every publish: the client adds its own header to the properties it is given.</summary>
    public static BasicProperties Properties(int failedAttempts) => new()
    {
        Persistent = true,
        ContentType = "application/json",
        Type = nameof(ObjectCreated),
        Headers = new Dictionary<string, object?> { [AttemptsHeader] = failedAttempts },
    };

    /// <summary>The event, or null when the body is not one (someone else's message): it can never be handled.</summary>
    public static ObjectCreated? Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonSerializer.Deserialize<ObjectCreated>(body.Span, Json) is { Key.Length: > 0 } @event ? @event : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The attempts header (written as a 32-bit number, which the broker may widen); 0 when absent.</summary>
    public static int FailedAttempts(IReadOnlyBasicProperties properties) => (properties.Headers?.TryGetValue(AttemptsHeader, out var value) == true ? value : null) switch
    {
        int n => n,
        long n => (int)Math.Clamp(n, 0, int.MaxValue),
        _ => 0,
    };
}
