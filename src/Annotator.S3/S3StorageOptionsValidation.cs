using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Annotator.Storage.S3;

/// <summary>Start-up checks of <c>Annotator:Storage:S3</c>: one sentence per mistake, naming the setting to change.</summary>
public sealed partial class S3StorageOptionsValidation : IValidateOptions<S3StorageOptions>
{
    private const string Section = S3StorageOptions.Section;

    public ValidateOptionsResult Validate(string? name, S3StorageOptions options)
    {
        var mistakes = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
            mistakes.Add($"{Section}:Bucket is required: name the bucket that holds the objects");
        else if (!BucketName().IsMatch(options.Bucket))
            mistakes.Add($"{Section}:Bucket '{options.Bucket}' is not a bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit");
        if (options.ServiceUrl.Length > 0)
        {
            if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                mistakes.Add($"{Section}:ServiceUrl '{options.ServiceUrl}' must be an http:// or https:// URL");
            else if (!string.IsNullOrEmpty(uri.UserInfo))
                mistakes.Add($"{Section}:ServiceUrl must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile)");
        }
        if (options.EffectiveChecksums is not ("required" or "supported"))
            mistakes.Add($"{Section}:Checksums must be 'required' or 'supported', not '{options.Checksums}'");
        if (options.PartSizeBytes is < S3StorageOptions.MinPartSize or > S3StorageOptions.MaxPartSize)
            mistakes.Add($"{Section}:PartSizeBytes must be between {S3StorageOptions.MinPartSize} (5 MiB) and {S3StorageOptions.MaxPartSize} (1 GiB)");
        return mistakes.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(mistakes);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
