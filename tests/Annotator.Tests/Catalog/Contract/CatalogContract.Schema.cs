namespace Annotator.Tests.Catalog.Contract;

/// <summary>Migrations: applied once, and safe when several nodes start at once.</summary>
public abstract partial class CatalogContract
{
    [ContractFact]
    public async Task Migrating_a_current_schema_again_applies_nothing()
    {
        Assert.Empty(await Under.Schema.MigrateAsync(CancellationToken.None));
    }

    [ContractFact]
    public async Task Nodes_migrating_an_empty_database_at_once_apply_each_migration_once()
    {
        await using var empty = await CreateAsync(migrated: false);
        var nodes = new[] { empty }.Concat(Enumerable.Range(0, 3).Select(_ => empty.AnotherNode())).ToList();

        var applied = await Task.WhenAll(nodes.Select(node => Task.Run(() => node.Schema.MigrateAsync(CancellationToken.None))));

        var all = applied.SelectMany(a => a).ToList();
        Assert.NotEmpty(all);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Empty(await empty.Schema.MigrateAsync(CancellationToken.None));
        await empty.Catalog.AddAsync(new Annotator.Catalog.ImageRecord
        {
            Id = Annotator.Images.ImageId.New(), FileName = "a.jpg", Format = Annotator.Images.ImageFormat.Jpeg, Width = 1, Height = 1, SizeBytes = 1,
            CreatedAt = DateTimeOffset.UtcNow,
        }, "raw/a.jpg", null, CancellationToken.None);
        foreach (var node in nodes.Skip(1)) await node.DisposeAsync();
    }
}
