using Annotator.Server.Access;
using Annotator.Testing;

namespace Annotator.IntegrationTests.Access;

/// <summary>
/// One server and the callers of the rights table: nobody, a viewer, an editor and an admin (browser sessions), and the
/// admin's tokens of one scope each. Tests using it do not change these accounts.
/// </summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public AnnotatorProcess Server { get; private set; } = null!;
    public IReadOnlyList<Caller> Callers { get; private set; } = [];
    public HttpClient Admin => Server.Client;

    public Caller this[string name] => Callers.Single(c => c.Name == name);

    public async Task InitializeAsync()
    {
        Server = await AnnotatorProcess.StartAsync();
        var callers = new List<Caller> { new("anonymous", Server.Anonymous(), SignedIn: false, []) };
        foreach (var role in new[] { "viewer", "editor" })
        {
            var (_, client) = await Admin.SignedInAsAsync(Server.BaseAddress, role);
            callers.Add(new($"{role} session", client, SignedIn: true, AccessMatrix.RoleRights[role]));
        }
        var admin = AccessApi.SessionClient(Server.BaseAddress);
        await admin.SignInAsync(AnnotatorProcess.AdminUser, AnnotatorProcess.AdminPassword);
        callers.Add(new("admin session", admin, SignedIn: true, AccessMatrix.RoleRights["admin"]));
        foreach (var scope in AccessApi.AllScopes)
            callers.Add(new($"admin's {scope} token", AccessApi.ClientWith(Server.BaseAddress, await admin.MakeTokenAsync([scope], $"only {scope}")), SignedIn: true, [scope]));
        Callers = callers;
    }

    public async Task DisposeAsync()
    {
        foreach (var caller in Callers) caller.Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>A kind of caller and the rights it has.</summary>
public sealed record Caller(string Name, HttpClient Client, bool SignedIn, IReadOnlyList<string> Rights)
{
    /// <summary>Whether the rights table lets this caller through a policy.</summary>
    public bool May(string policy) => SignedIn && (policy == Server.Access.Rights.SignedIn || Rights.Contains(policy));

    public override string ToString() => Name;
}
