namespace Annotator.Events.RabbitMq;

/// <summary>The broker could not be reached or its queues declared at start-up; the message is one line, without the password.</summary>
public sealed class RabbitMqSetupException(string message, Exception inner) : Exception(message, inner);
