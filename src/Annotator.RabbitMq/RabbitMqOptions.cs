namespace Annotator.Events.RabbitMq;

/// <summary><c>Annotator:Events:RabbitMq</c>: the broker the RabbitMQ event bus uses, and the names it declares there.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "Annotator:Events:RabbitMq";

    /// <summary><c>amqp://user:password@host:5672/vhost</c> (or <c>amqps://</c>); a trailing <c>/</c> alone is the default vhost.</summary>
    public string Uri { get; set; } = "";

    /// <summary>A file whose trimmed content replaces the URI's password, so the secret stays out of the settings.</summary>
    public string PasswordFile { get; set; } = "";

    /// <summary>Starts every exchange and queue name, so several installations can share a vhost.</summary>
    public string Prefix { get; set; } = "annotator";

    /// <summary>
    /// Deliveries of one message that may end without being settled (the worker died, or handed it back when
    /// stopping) before the broker moves it to the function's dead queue. A queue argument: it is fixed when the
    /// queues are first declared.
    /// </summary>
    public int DeliveryLimit { get; set; } = 10;

    /// <summary>The URI without its password, for messages.</summary>
    public string SafeUri => System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) ? new UriBuilder(uri) { Password = "" }.Uri.ToString() : "(no valid URI)";
}
