using Annotator.Access;
using Annotator.Sql;
using Annotator.Tests.Catalog.Contract;

namespace Annotator.Tests.Access.Contract;

/// <summary>
/// What the shared access stores (<c>src/Annotator.Sql</c>) must do on every engine: one subclass per engine says how
/// to make a fresh, migrated database (the catalog contract's). The parts: accounts and the first admin (this file),
/// sessions, tokens, the audit log and the key ring.
/// </summary>
public abstract partial class AccessContract : IAsyncLifetime
{
    /// <summary>A fixed clock, in whole milliseconds as the tables store times, so records compare equal after a round trip.</summary>
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_760_000_000_000);

    private CatalogUnderTest? _under;

    protected CatalogUnderTest Under => _under ?? throw new InvalidOperationException("not initialised");
    protected SqlUserStore Users => new(Under.Access);
    protected SqlSessionStore Sessions => new(Under.Access);
    protected SqlTokenStore Tokens => new(Under.Access);
    protected SqlAuditLog Audit => new(Under.Access);

    /// <summary>A fresh database of its own, migrated to the current schema.</summary>
    protected abstract Task<CatalogUnderTest> CreateAsync();

    public async Task InitializeAsync() => _under = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_under is not null) await _under.DisposeAsync();
    }

    protected static User UserNamed(string name, Role role = Role.Editor) => new()
    {
        Id = User.NewId(), UserName = name, Role = role, PasswordHash = "hash-of-" + name, CreatedAt = Now,
    };

    protected static AuditEntry Entry(string action, string? target = null, string? actorId = null) =>
        new(0, Now, actorId, actorId is null ? null : "name-of-" + actorId, action, target, null, "127.0.0.1");

    protected async Task<User> AddUserAsync(string name, Role role = Role.Editor)
    {
        var user = UserNamed(name, role);
        Assert.True(await Users.AddAsync(user, Entry("user.create", user.Id), CancellationToken.None));
        return user;
    }

    protected async Task<IReadOnlyList<AuditEntry>> AllAuditAsync() => await Audit.ListAsync(null, 1000, null, null, CancellationToken.None);

    [ContractFact]
    public async Task An_account_reads_back_whole_by_id_name_and_login()
    {
        var user = UserNamed("Ada", Role.Admin) with { Issuer = "https://id.example", Subject = "sub-1", Disabled = true };

        Assert.False(await Users.AnyAsync(CancellationToken.None));
        Assert.True(await Users.AddAsync(user, Entry("user.create", user.Id), CancellationToken.None));

        Assert.True(await Users.AnyAsync(CancellationToken.None));
        Assert.Equal(user, await Users.FindAsync(user.Id, CancellationToken.None));
        Assert.Equal(user, await Users.FindByNameAsync(" ADA ", CancellationToken.None));
        Assert.Equal(user, await Users.FindByLoginAsync("https://id.example", "sub-1", CancellationToken.None));
        Assert.Null(await Users.FindByLoginAsync("https://id.example", "sub-2", CancellationToken.None));
        Assert.Null(await Users.FindAsync(User.NewId(), CancellationToken.None));
    }

    [ContractFact]
    public async Task Accounts_are_listed_by_user_name()
    {
        await AddUserAsync("carol");
        await AddUserAsync("Alice");
        await AddUserAsync("bob");

        Assert.Equal(["Alice", "bob", "carol"], (await Users.ListAsync(CancellationToken.None)).Select(u => u.UserName));
    }

    [ContractFact]
    public async Task A_taken_user_name_in_any_case_is_refused_and_writes_no_audit_entry()
    {
        var ada = await AddUserAsync("Ada");

        Assert.False(await Users.AddAsync(UserNamed("ada "), Entry("user.create", "other"), CancellationToken.None));
        Assert.False(await Users.AddAsync(UserNamed("ADA"), Entry("user.create", "other"), CancellationToken.None));

        Assert.Equal([ada.Id], (await Users.ListAsync(CancellationToken.None)).Select(u => u.Id));
        Assert.Equal([ada.Id], (await AllAuditAsync()).Select(e => e.Target));
    }

    [ContractFact]
    public async Task A_login_that_another_account_has_fails_the_add_whole()
    {
        var ada = UserNamed("ada") with { Issuer = "https://id.example", Subject = "s" };
        Assert.True(await Users.AddAsync(ada, Entry("user.create", ada.Id), CancellationToken.None));

        var bob = UserNamed("bob") with { Issuer = "https://id.example", Subject = "s" };
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Users.AddAsync(bob, Entry("user.create", bob.Id), CancellationToken.None));

        Assert.Null(await Users.FindByNameAsync("bob", CancellationToken.None));
        Assert.Equal([ada.Id], (await AllAuditAsync()).Select(e => e.Target));
    }

    [ContractFact]
    public async Task Of_many_concurrent_adds_of_one_name_exactly_one_succeeds()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => Under.AnotherNode()).ToList();

        var added = await Task.WhenAll(nodes.Select(node =>
            Task.Run(() => new SqlUserStore(node.Access).AddAsync(UserNamed("Grace"), Entry("user.create"), CancellationToken.None))));
        foreach (var node in nodes) await node.DisposeAsync();

        Assert.Single(added, a => a);
        Assert.Single(await Users.ListAsync(CancellationToken.None));
        Assert.Single(await AllAuditAsync());
    }

    [ContractFact]
    public async Task The_first_admin_of_the_settings_is_added_once()
    {
        Assert.True(await Users.AddFirstAsync(UserNamed("root", Role.Admin), null, Now, Entry("user.first"), CancellationToken.None));

        Assert.False(await Users.AddFirstAsync(UserNamed("another", Role.Admin), null, Now, Entry("user.first"), CancellationToken.None));

        Assert.Equal(["root"], (await Users.ListAsync(CancellationToken.None)).Select(u => u.UserName));
        Assert.Single(await AllAuditAsync());
    }

    [ContractFact]
    public async Task The_first_admin_needs_a_known_unexpired_setup_code_and_uses_up_every_code()
    {
        await Users.AddSetupCodeAsync("code-a", Now.AddMinutes(30), CancellationToken.None);
        await Users.AddSetupCodeAsync("code-b", Now.AddMinutes(30), CancellationToken.None);
        await Users.AddSetupCodeAsync("code-old", Now.AddMinutes(-1), CancellationToken.None);

        Assert.False(await Users.AddFirstAsync(UserNamed("root", Role.Admin), "code-unknown", Now, Entry("user.first"), CancellationToken.None));
        Assert.False(await Users.AddFirstAsync(UserNamed("root", Role.Admin), "code-old", Now, Entry("user.first"), CancellationToken.None));
        Assert.False(await Users.AnyAsync(CancellationToken.None));
        Assert.Empty(await AllAuditAsync());

        var root = UserNamed("root", Role.Admin);
        Assert.True(await Users.AddFirstAsync(root, "code-a", Now, Entry("user.first", root.Id), CancellationToken.None));

        // With the account gone again, the other code that was valid is used up all the same.
        Assert.True(await Users.DeleteAsync(root.Id, Entry("user.delete", root.Id), CancellationToken.None));
        Assert.False(await Users.AddFirstAsync(UserNamed("root2", Role.Admin), "code-b", Now, Entry("user.first"), CancellationToken.None));
        Assert.False(await Users.AddFirstAsync(UserNamed("root2", Role.Admin), "code-a", Now, Entry("user.first"), CancellationToken.None));
        Assert.False(await Users.AnyAsync(CancellationToken.None));
    }

    [ContractFact]
    public async Task A_setup_code_does_nothing_while_an_account_exists_and_is_not_used_up()
    {
        var ada = await AddUserAsync("ada");
        await Users.AddSetupCodeAsync("code-a", Now.AddMinutes(30), CancellationToken.None);

        Assert.False(await Users.AddFirstAsync(UserNamed("root", Role.Admin), "code-a", Now, Entry("user.first"), CancellationToken.None));

        Assert.True(await Users.DeleteAsync(ada.Id, Entry("user.delete", ada.Id), CancellationToken.None));
        Assert.True(await Users.AddFirstAsync(UserNamed("root", Role.Admin), "code-a", Now, Entry("user.first"), CancellationToken.None));
    }

    [ContractFact]
    public async Task Of_two_first_admins_racing_with_two_codes_one_is_added()
    {
        await Users.AddSetupCodeAsync("code-a", Now.AddMinutes(30), CancellationToken.None);
        await Users.AddSetupCodeAsync("code-b", Now.AddMinutes(30), CancellationToken.None);
        var nodes = new[] { "code-a", "code-b", "code-a", "code-b" }.Select(code => (Code: code, Node: Under.AnotherNode())).ToList();

        var added = await Task.WhenAll(nodes.Select((node, i) => Task.Run(() => new SqlUserStore(node.Node.Access).AddFirstAsync(
            UserNamed($"root-{i}", Role.Admin), node.Code, Now, Entry("user.first"), CancellationToken.None))));
        foreach (var node in nodes) await node.Node.DisposeAsync();

        Assert.Single(added, a => a);
        Assert.Single(await Users.ListAsync(CancellationToken.None));
    }

    [ContractFact]
    public async Task An_update_replaces_role_password_login_and_disabled_with_its_audit_entry()
    {
        var ada = await AddUserAsync("ada", Role.Viewer);
        var changed = ada with { Role = Role.Admin, PasswordHash = "new-hash", Issuer = "https://id.example", Subject = "s", UserName = "renamed" };

        Assert.True(await Users.UpdateAsync(changed, Entry("user.update", ada.Id), CancellationToken.None));
        Assert.False(await Users.UpdateAsync(UserNamed("ghost"), Entry("user.update", "ghost"), CancellationToken.None));

        Assert.Equal(changed with { UserName = "ada" }, await Users.FindAsync(ada.Id, CancellationToken.None));
        Assert.Equal(["user.update", "user.create"], (await AllAuditAsync()).Select(e => e.Action));
    }

    [ContractFact]
    public async Task Disabling_an_account_ends_its_sessions_and_stops_its_tokens_until_enabled_again()
    {
        var ada = await AddUserAsync("ada");
        await Sessions.AddAsync(new Session("s1", ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);
        var token = TokenOf(ada, "t1");
        await Tokens.AddAsync(token, Entry("token.create", token.Id), CancellationToken.None);

        Assert.True(await Users.UpdateAsync(ada with { Disabled = true }, Entry("user.disable", ada.Id), CancellationToken.None));

        Assert.Null(await Sessions.FindAsync("s1", Now, CancellationToken.None));
        Assert.Equal(0, await Sessions.RemoveAllAsync(ada.Id, CancellationToken.None));
        Assert.Null(await Tokens.FindAsync(token.Hash, Now, CancellationToken.None));
        Assert.True(await Users.UpdateAsync(ada, Entry("user.enable", ada.Id), CancellationToken.None));
        Assert.Equal(token, (await Tokens.FindAsync(token.Hash, Now, CancellationToken.None))?.Token);
    }

    [ContractFact]
    public async Task Deleting_an_account_removes_its_sessions_and_tokens_but_no_one_elses()
    {
        var ada = await AddUserAsync("ada");
        var bob = await AddUserAsync("bob");
        await Sessions.AddAsync(new Session("ada-s", ada.Id, Now, Now.AddHours(1), null), CancellationToken.None);
        await Sessions.AddAsync(new Session("bob-s", bob.Id, Now, Now.AddHours(1), null), CancellationToken.None);
        await Tokens.AddAsync(TokenOf(ada, "ada-t"), Entry("token.create"), CancellationToken.None);
        await Tokens.AddAsync(TokenOf(bob, "bob-t"), Entry("token.create"), CancellationToken.None);

        Assert.True(await Users.DeleteAsync(ada.Id, Entry("user.delete", ada.Id), CancellationToken.None));
        Assert.False(await Users.DeleteAsync(ada.Id, Entry("user.delete", ada.Id), CancellationToken.None));

        Assert.Null(await Users.FindAsync(ada.Id, CancellationToken.None));
        Assert.Null(await Sessions.FindAsync("ada-s", Now, CancellationToken.None));
        Assert.Null(await Tokens.GetAsync("ada-t", CancellationToken.None));
        Assert.NotNull(await Sessions.FindAsync("bob-s", Now, CancellationToken.None));
        Assert.Equal(["bob-t"], (await Tokens.ListAsync(null, CancellationToken.None)).Select(t => t.Id));
        Assert.Single(await Audit.ListAsync(null, 10, null, ada.Id, CancellationToken.None), e => e.Action == "user.delete");
    }

    protected static ApiToken TokenOf(User owner, string id, DateTimeOffset? createdAt = null, DateTimeOffset? expiresAt = null) => new()
    {
        Id = id, UserId = owner.Id, Name = "token " + id, Scopes = TokenScopes.Read | TokenScopes.Upload, Hash = "sha256-" + id,
        CreatedAt = createdAt ?? Now, ExpiresAt = expiresAt ?? Now.AddDays(30),
    };
}
