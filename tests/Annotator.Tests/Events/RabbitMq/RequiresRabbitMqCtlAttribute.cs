using Annotator.Tests.Contract;
namespace Annotator.Tests.Events.RabbitMq;

/// <summary>Tests that restart the run's broker: they need it and a way to control it; without them they skip, unless services are required.</summary>
public sealed class RequiresRabbitMqCtlAttribute : BackendAttribute
{
    public override string? Missing => (TestServices.RabbitMq is null || TestServices.RabbitMqCtl is null) && !TestServices.Required
        ? "no RabbitMQ to restart: set ANNOTATOR_TEST_RABBITMQ to the broker and ANNOTATOR_TEST_RABBITMQCTL to an executable running rabbitmqctl against it (scripts/services sets both)"
        : null;
}
