using Annotator.Access;

namespace Annotator.Tests.Access.Contract;

/// <summary>Signed-in browsers: found with their account while live, renewed, ended one by one or all at once.</summary>
public abstract partial class AccessContract
{
    [ContractFact]
    public async Task A_session_is_found_with_its_account_until_it_expires()
    {
        var ada = await AddUserAsync("ada");
        var session = new Session("hash-1", ada.Id, Now, Now.AddHours(1), "10.0.0.7");
        await Sessions.AddAsync(session, CancellationToken.None);

        var found = await Sessions.FindAsync("hash-1", Now.AddMinutes(59), CancellationToken.None);

        Assert.Equal((session, ada), found);
        Assert.Null(await Sessions.FindAsync("hash-1", Now.AddHours(1), CancellationToken.None));
        Assert.Null(await Sessions.FindAsync("hash-unknown", Now, CancellationToken.None));
    }

    [ContractFact]
    public async Task A_session_of_a_disabled_account_is_not_found()
    {
        var off = UserNamed("off") with { Disabled = true };
        Assert.True(await Users.AddAsync(off, Entry("user.create", off.Id), CancellationToken.None));

        await Sessions.AddAsync(new Session("hash-off", off.Id, Now, Now.AddHours(1), null), CancellationToken.None);

        Assert.Null(await Sessions.FindAsync("hash-off", Now, CancellationToken.None));
        Assert.Equal(1, await Sessions.RemoveAllAsync(off.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task A_renewed_session_lives_until_its_new_end()
    {
        var ada = await AddUserAsync("ada");
        await Sessions.AddAsync(new Session("hash-1", ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);

        await Sessions.RenewAsync("hash-1", Now.AddHours(3), CancellationToken.None);

        Assert.Equal(Now.AddHours(3), (await Sessions.FindAsync("hash-1", Now.AddHours(2), CancellationToken.None))?.Session.ExpiresAt);
    }

    [ContractFact]
    public async Task Adding_a_session_removes_the_expired_ones()
    {
        var ada = await AddUserAsync("ada");
        await Sessions.AddAsync(new Session("old", ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);
        await Sessions.AddAsync(new Session("live", ada.Id, Now, Now.AddHours(5), null), CancellationToken.None);

        await Sessions.AddAsync(new Session("new", ada.Id, Now.AddHours(2), Now.AddHours(3), null), CancellationToken.None);

        // Asked as of before "old" expired: it would be found had it stayed.
        Assert.Null(await Sessions.FindAsync("old", Now, CancellationToken.None));
        Assert.NotNull(await Sessions.FindAsync("live", Now, CancellationToken.None));
        Assert.Equal(2, await Sessions.RemoveAllAsync(ada.Id, CancellationToken.None));
    }

    [ContractFact]
    public async Task Sessions_end_one_by_one_or_all_of_an_account_at_once()
    {
        var ada = await AddUserAsync("ada");
        var bob = await AddUserAsync("bob");
        foreach (var id in new[] { "a1", "a2", "a3" }) await Sessions.AddAsync(new Session(id, ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);
        await Sessions.AddAsync(new Session("b1", bob.Id, Now, Now.AddHours(1), null), CancellationToken.None);

        await Sessions.RemoveAsync("a1", CancellationToken.None);
        Assert.Null(await Sessions.FindAsync("a1", Now, CancellationToken.None));

        Assert.Equal(2, await Sessions.RemoveAllAsync(ada.Id, CancellationToken.None));
        Assert.Equal(0, await Sessions.RemoveAllAsync(ada.Id, CancellationToken.None));
        Assert.Null(await Sessions.FindAsync("a2", Now, CancellationToken.None));
        Assert.NotNull(await Sessions.FindAsync("b1", Now, CancellationToken.None));
    }

    [ContractFact]
    public async Task Removing_all_but_one_session_keeps_exactly_that_one()
    {
        var ada = await AddUserAsync("ada");
        foreach (var id in new[] { "keep", "drop-1", "drop-2" }) await Sessions.AddAsync(new Session(id, ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);

        Assert.Equal(2, await Sessions.RemoveAllAsync(ada.Id, CancellationToken.None, exceptIdHash: "keep"));

        Assert.NotNull(await Sessions.FindAsync("keep", Now, CancellationToken.None));
        Assert.Null(await Sessions.FindAsync("drop-1", Now, CancellationToken.None));
    }
}
