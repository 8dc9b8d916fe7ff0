using Annotator.Sql;

namespace Annotator.Tests.Access.Contract;

/// <summary>The Data Protection key ring: what one node adds, every other node reads, oldest first.</summary>
public abstract partial class AccessContract
{
    [ContractFact]
    public async Task Keys_added_on_one_node_are_read_on_another_in_the_order_added()
    {
        var xml = "<key id=\"1\" version=\"1\">" + new string('k', 20_000) + "</key>"; // well past any small text type
        await new SqlKeyStore(Under.Access).AddAsync("key-1", xml, CancellationToken.None);
        await new SqlKeyStore(Under.Access).AddAsync("key-2", "<key id=\"2\" version=\"1\" />", CancellationToken.None);

        await using var other = Under.AnotherNode();
        var read = await new SqlKeyStore(other.Access).ReadAllAsync(CancellationToken.None);

        Assert.Equal([xml, "<key id=\"2\" version=\"1\" />"], read);
    }
}
