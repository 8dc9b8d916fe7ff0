using System.Security.Cryptography;
using System.Text;
using Annotator.Access;
using Microsoft.AspNetCore.Identity;

namespace Annotator.Server.Access;

/// <summary>
/// The rules for names, passwords and secrets. Passwords are hashed with ASP.NET Core Identity's hasher (PBKDF2 with
/// HMAC-SHA512, 100,000 iterations, a salt per hash); tokens, session ids and setup codes are random and stored as SHA-256.
/// </summary>
public static class Credentials
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;
    public const int MaxUserNameLength = 64;

    private static readonly PasswordHasher<User> Hasher = new();
    // Verified against when the account does not exist, so a wrong name costs what a wrong password does.
    private static readonly string NobodysHash = Hasher.HashPassword(null!, "no account has this password");

    public static string HashPassword(string password) => Hasher.HashPassword(null!, password);

    /// <summary>True when <paramref name="password"/> is the account's; constant effort whether or not there is one.</summary>
    public static bool Verify(User? user, string password)
    {
        var hash = user?.PasswordHash ?? NobodysHash;
        var result = Hasher.VerifyHashedPassword(null!, hash, password);
        return user is { PasswordHash: not null, Disabled: false } && result != PasswordVerificationResult.Failed;
    }

    /// <summary>Why the name cannot be an account's, or null: 1–64 letters, digits and <c>. _ - @</c>.</summary>
    public static string? CheckUserName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "a user name is required";
        if (name.Length > MaxUserNameLength) return $"a user name has at most {MaxUserNameLength} characters";
        if (!name.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
            return $"user name '{name}' may hold only letters, digits and . _ - @";
        return null;
    }

    /// <summary>Why the password cannot be used, or null: long enough, not absurdly long. Length beats composition rules (NIST 800-63B).</summary>
    public static string? CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength) return $"a password has at least {MinPasswordLength} characters";
        if (password.Length > MaxPasswordLength) return $"a password has at most {MaxPasswordLength} characters";
        return null;
    }

    /// <summary>A new secret: 256 random bits, URL-safe, with a prefix saying what it is (so a leaked one is recognisable).</summary>
    public static string NewSecret(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The form secrets are stored and looked up in.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
