using Annotator.Tests.Contract;
namespace Annotator.Tests.Events.Contract;

/// <summary>Tests against the run's RabbitMQ broker; without one they skip, unless services are required.</summary>
public sealed class RequiresRabbitMqAttribute : BackendAttribute
{
    public override string? Missing => TestServices.RabbitMq is null && !TestServices.Required
        ? "no RabbitMQ to test against: set ANNOTATOR_TEST_RABBITMQ=amqp://user:pass@127.0.0.1:PORT/ (scripts/services starts a broker and sets it)"
        : null;
}
