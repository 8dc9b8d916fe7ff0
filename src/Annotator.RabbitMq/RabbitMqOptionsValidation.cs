using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Annotator.Events.RabbitMq;

/// <summary>The RabbitMQ settings' start-up checks: one line each, naming the setting and never the password.</summary>
public sealed partial class RabbitMqOptionsValidation : IValidateOptions<RabbitMqOptions>
{
    private const string Example = "amqp://user:password@host:5672/vhost";

    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.Uri))
            failures.Add($"{RabbitMqOptions.Section}:Uri is required when Annotator:Events:Provider is rabbitmq, e.g. {Example}");
        else if (!Uri.TryCreate(options.Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || uri.Host.Length == 0)
            failures.Add($"{RabbitMqOptions.Section}:Uri must be an amqp:// or amqps:// URI with a host, e.g. {Example}");
        else if (uri.Segments.Length > 2)
            failures.Add($"{RabbitMqOptions.Section}:Uri names one vhost after the host at most (write a vhost '/' as %2F), e.g. {Example}");
        if (options.PasswordFile.Length > 0 && PasswordFileProblem(options.PasswordFile) is { } problem)
            failures.Add($"{RabbitMqOptions.Section}:PasswordFile {problem}");
        if (!PrefixPattern().IsMatch(options.Prefix))
            failures.Add($"{RabbitMqOptions.Section}:Prefix must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit (it starts every queue and exchange name)");
        if (options.DeliveryLimit is < 1 or > 1000)
            failures.Add($"{RabbitMqOptions.Section}:DeliveryLimit must be between 1 and 1000.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? PasswordFileProblem(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim().Length == 0 ? $"'{path}' is empty" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"'{path}' cannot be read: {e.Message}";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex PrefixPattern();
}
