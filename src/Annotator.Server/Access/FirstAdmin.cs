using Annotator.Access;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Annotator.Server.Access;

/// <summary>
/// No default password. At start: the unattended first admin of the settings is made when no account has its name;
/// otherwise, while there is no account at all, a one-time setup code is stored (as its SHA-256, so any web node takes
/// it) and the link that uses it is logged once, after the server listens. Opening it makes the first admin.
/// </summary>
public sealed class FirstAdmin(
    IUserStore users, IOptions<AuthOptions> options, IOptions<AnnotatorOptions> annotator, IServer server,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<FirstAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!annotator.Value.RunsWeb) return;
        var auth = options.Value;
        if (!string.IsNullOrEmpty(auth.AdminUser))
        {
            await EnsureAdminAsync(auth.AdminUser, auth.AdminPassword!, cancellationToken);
            return;
        }
        if (await users.AnyAsync(cancellationToken)) return;
        var code = Credentials.NewSecret("");
        await users.AddSetupCodeAsync(Credentials.Hash(code), time.GetUtcNow() + auth.SetupCodeLifetime, cancellationToken);
        lifetime.ApplicationStarted.Register(() => logger.LogWarning(
            "No account yet: open {Link} to create the first admin (the link works once, for {Hours:0.#} hours; a restart makes a new one)",
            SetupLink(code), auth.SetupCodeLifetime.TotalHours));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAdminAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (await users.FindByNameAsync(userName, cancellationToken) is not null) return;
        var now = time.GetUtcNow();
        var admin = new User { Id = User.NewId(), UserName = userName, Role = Role.Admin, PasswordHash = Credentials.HashPassword(password), CreatedAt = now };
        var audit = new AuditEntry(0, now, null, null, "user.create", admin.Id, $"{userName} (admin), the first admin from the settings", null);
        // Another node starting at the same moment may have made it: the name is unique, and either way it exists.
        if (await users.AddAsync(admin, audit, cancellationToken)) logger.LogInformation("Made the admin {UserName} from the settings", userName);
    }

    private string SetupLink(string code)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";
        address = address.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost");
        return $"{address.TrimEnd('/')}/setup?code={code}";
    }
}
