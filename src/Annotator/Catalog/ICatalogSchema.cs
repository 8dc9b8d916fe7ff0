namespace Annotator.Catalog;

/// <summary>
/// The catalog's versioned schema. Migrating is safe when several nodes start at once: each engine's
/// adapter holds a database lock while it migrates, and a node that waited finds the work done.
/// </summary>
public interface ICatalogSchema
{
    /// <summary>Applies every migration not yet applied; returns their names, in order.</summary>
    Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken);
}
