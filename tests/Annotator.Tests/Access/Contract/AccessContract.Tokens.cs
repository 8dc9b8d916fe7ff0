using Annotator.Access;

namespace Annotator.Tests.Access.Contract;

/// <summary>API tokens: found by hash with their account while live, listed newest first, revoked with their audit entry.</summary>
public abstract partial class AccessContract
{
    [ContractFact]
    public async Task A_token_is_found_by_its_hash_with_its_account_until_it_expires()
    {
        var ada = await AddUserAsync("ada");
        var token = TokenOf(ada, "t1", expiresAt: Now.AddDays(1));
        await Tokens.AddAsync(token, Entry("token.create", token.Id, ada.Id), CancellationToken.None);

        Assert.Equal((token, ada), await Tokens.FindAsync(token.Hash, Now, CancellationToken.None));
        Assert.Equal(token, await Tokens.GetAsync("t1", CancellationToken.None));
        Assert.Null(await Tokens.FindAsync(token.Hash, Now.AddDays(1), CancellationToken.None));
        Assert.Null(await Tokens.FindAsync("sha256-unknown", Now, CancellationToken.None));
        Assert.Equal("token.create", Assert.Single(await Audit.ListAsync(null, 10, ada.Id, null, CancellationToken.None)).Action);
    }

    [ContractFact]
    public async Task Tokens_are_listed_newest_first_for_one_account_or_everyone()
    {
        var ada = await AddUserAsync("ada");
        var bob = await AddUserAsync("bob");
        await Tokens.AddAsync(TokenOf(ada, "ada-1", createdAt: Now), Entry("token.create"), CancellationToken.None);
        await Tokens.AddAsync(TokenOf(bob, "bob-1", createdAt: Now.AddMinutes(1)), Entry("token.create"), CancellationToken.None);
        await Tokens.AddAsync(TokenOf(ada, "ada-2", createdAt: Now.AddMinutes(2)), Entry("token.create"), CancellationToken.None);

        Assert.Equal(["ada-2", "ada-1"], (await Tokens.ListAsync(ada.Id, CancellationToken.None)).Select(t => t.Id));
        Assert.Equal(["ada-2", "bob-1", "ada-1"], (await Tokens.ListAsync(null, CancellationToken.None)).Select(t => t.Id));
    }

    [ContractFact]
    public async Task A_used_token_records_when()
    {
        var ada = await AddUserAsync("ada");
        await Tokens.AddAsync(TokenOf(ada, "t1"), Entry("token.create"), CancellationToken.None);

        await Tokens.MarkUsedAsync("t1", Now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(Now.AddMinutes(5), (await Tokens.GetAsync("t1", CancellationToken.None))!.LastUsedAt);
    }

    [ContractFact]
    public async Task A_revoked_token_is_gone_and_a_second_revoke_writes_no_audit_entry()
    {
        var ada = await AddUserAsync("ada");
        var token = TokenOf(ada, "t1");
        await Tokens.AddAsync(token, Entry("token.create", "t1"), CancellationToken.None);

        Assert.True(await Tokens.RevokeAsync("t1", Entry("token.revoke", "t1"), CancellationToken.None));
        Assert.False(await Tokens.RevokeAsync("t1", Entry("token.revoke", "t1"), CancellationToken.None));

        Assert.Null(await Tokens.FindAsync(token.Hash, Now, CancellationToken.None));
        Assert.Null(await Tokens.GetAsync("t1", CancellationToken.None));
        Assert.Equal(["token.revoke", "token.create"], (await Audit.ListAsync(null, 10, null, "t1", CancellationToken.None)).Select(e => e.Action));
    }
}
