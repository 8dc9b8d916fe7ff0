using System.Xml.Linq;
using Annotator.Access;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Annotator.Server.Access;

/// <summary>
/// The Data Protection key ring in the catalog's database (<see cref="IKeyStore"/>): a cookie protected on one node is
/// read on every other, and sessions survive restarts and redeploys. Data Protection asks for keys rarely (at start,
/// then about daily, or when it meets a key it does not know), so the synchronous calls it makes may wait for the database.
/// </summary>
public sealed class CatalogXmlRepository(IKeyStore keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. keys.ReadAllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName) =>
        keys.AddAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), CancellationToken.None).GetAwaiter().GetResult();
}
