namespace Annotator.Access;

/// <summary>
/// The Data Protection key ring (XML elements by name) in the catalog's database: every web node protects and reads
/// session cookies with the same keys, and they survive restarts.
/// </summary>
public interface IKeyStore
{
    Task<IReadOnlyList<string>> ReadAllAsync(CancellationToken cancellationToken);
    Task AddAsync(string name, string xml, CancellationToken cancellationToken);
}
