using System.ComponentModel.DataAnnotations;

namespace Annotator.Server.Access;

/// <summary><c>Annotator:Auth</c>: the unattended first admin, sessions, setup links and brute-force limits.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Annotator:Auth";

    /// <summary>The first admin for unattended deployments: made at start when no account of that name exists.</summary>
    public string? AdminUser { get; set; }

    /// <summary>Its password; <c>Annotator:Auth:AdminPassword_FILE</c> (or <c>Annotator__Auth__AdminPassword_FILE</c>) names a file holding it.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>How long a signed-in browser stays signed in without a request (each request extends it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long a node may trust a session or token it has just looked up before looking again: what a sign-out,
    /// revocation, disabled account or role change made on another node may take to count here. 0: every request looks.
    /// </summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the one-time setup link printed at the first start works.</summary>
    public TimeSpan SetupCodeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Sign-in (and setup) attempts one address may make per minute.</summary>
    [Range(1, 100_000, ErrorMessage = "Annotator:Auth:SignInsPerMinute must be between 1 and 100000.")]
    public int SignInsPerMinute { get; set; } = 30;

    /// <summary>Failed sign-ins one account may have per 15 minutes before it must wait (counted per node).</summary>
    [Range(1, 100_000, ErrorMessage = "Annotator:Auth:FailedSignInsPerAccount must be between 1 and 100000.")]
    public int FailedSignInsPerAccount { get; set; } = 10;

    /// <summary>Requests with an unknown, revoked or expired API token one address may make per minute.</summary>
    [Range(1, 100_000, ErrorMessage = "Annotator:Auth:FailedTokensPerMinute must be between 1 and 100000.")]
    public int FailedTokensPerMinute { get; set; } = 20;

    /// <summary>Why the password file could not be read, when it could not (reported by validation, in one line).</summary>
    internal string? PasswordFileError { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PasswordFileError is not null)
        {
            yield return new(PasswordFileError); // the one reason: "no password" would follow from it
            yield break;
        }
        if (SessionLifetime < TimeSpan.FromMinutes(1) || SessionLifetime > TimeSpan.FromDays(90))
            yield return new("Annotator:Auth:SessionLifetime must be between 00:01:00 and 90.00:00:00.");
        if (RecheckInterval < TimeSpan.Zero || RecheckInterval > TimeSpan.FromMinutes(5))
            yield return new("Annotator:Auth:RecheckInterval must be between 00:00:00 and 00:05:00.");
        if (SetupCodeLifetime < TimeSpan.FromMinutes(1) || SetupCodeLifetime > TimeSpan.FromDays(30))
            yield return new("Annotator:Auth:SetupCodeLifetime must be between 00:01:00 and 30.00:00:00.");
        if (!string.IsNullOrEmpty(AdminUser) && Credentials.CheckUserName(AdminUser) is { } badName)
            yield return new($"Annotator:Auth:AdminUser: {badName}");
        if (!string.IsNullOrEmpty(AdminUser) && string.IsNullOrEmpty(AdminPassword))
            yield return new("Annotator:Auth:AdminUser is set but no password: set Annotator:Auth:AdminPassword or Annotator:Auth:AdminPassword_FILE.");
        if (string.IsNullOrEmpty(AdminUser) && !string.IsNullOrEmpty(AdminPassword))
            yield return new("Annotator:Auth:AdminPassword is set but Annotator:Auth:AdminUser is not.");
        if (!string.IsNullOrEmpty(AdminPassword) && Credentials.CheckPassword(AdminPassword) is { } badPassword)
            yield return new($"Annotator:Auth:AdminPassword: {badPassword}");
    }
}
