using Annotator.Catalog;
using Annotator.Events;
using Annotator.Sql;

namespace Annotator.Tests.Catalog.Contract;

/// <summary>
/// One catalog adapter under test: a fresh, migrated database of its own, and every port the adapter implements
/// on it, and the connections the access stores take. <see cref="AnotherNode"/> opens the same database again, as a second node would.
/// </summary>
public abstract class CatalogUnderTest : IAsyncDisposable
{
    public abstract IImageCatalog Catalog { get; }
    public abstract IOutbox Outbox { get; }
    public abstract IDeliveryQueue Deliveries { get; }
    public abstract IDeadLetters DeadLetters { get; }
    public abstract ICatalogSchema Schema { get; }
    /// <summary>The engine's connections for the access stores (accounts, sessions, tokens, audit, keys).</summary>
    public abstract IAccessDatabase Access { get; }

    /// <summary>The same database through new connections and objects, as another node sees it.</summary>
    public abstract CatalogUnderTest AnotherNode();

    public abstract ValueTask DisposeAsync();
}
