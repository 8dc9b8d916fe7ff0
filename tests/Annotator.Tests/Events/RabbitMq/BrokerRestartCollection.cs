namespace Annotator.Tests.Events.RabbitMq;

/// <summary>Tests that stop the shared test broker run alone, after the others, so no other test sees the outage.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "RabbitMQ broker restart";
}
