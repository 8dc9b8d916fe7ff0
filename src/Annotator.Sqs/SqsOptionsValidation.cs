using Annotator.Processing;
using Microsoft.Extensions.Options;

namespace Annotator.Events.Sqs;

/// <summary>Every function has a queue, each an absolute http(s) URL; a wrong one stops start-up naming it.</summary>
public sealed class SqsOptionsValidation(IEnumerable<IObjectCreatedHandler> functions) : IValidateOptions<SqsOptions>
{
    public ValidateOptionsResult Validate(string? name, SqsOptions options)
    {
        var failures = new List<string>();
        foreach (var function in functions)
            if (!options.Queues.TryGetValue(function.Name, out var url) || string.IsNullOrWhiteSpace(url))
                failures.Add($"{SqsOptions.Section}:Queues:{function.Name} is not set: the URL of the {function.Name} function's queue");
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                failures.Add($"{SqsOptions.Section}:Queues:{function.Name} is '{url}', not an http(s) queue URL");
        if (options.ServiceUrl.Length > 0 && !Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out _))
            failures.Add($"{SqsOptions.Section}:ServiceUrl is '{options.ServiceUrl}', not an absolute URL");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
