using System.Text.Json;
using System.Text.RegularExpressions;

namespace Annotator.Aws.Tests;

public sealed partial class SecretsTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    [Fact]
    public void No_secret_is_in_the_template_only_references_to_secrets_manager()
    {
        // Every value under a key that names a secret is a reference (Ref, GetAtt, a dynamic reference), never a literal.
        foreach (var (path, value) in Leaves(_stack.Json.GetProperty("Resources"), ""))
            if (SecretName().IsMatch(path.Split('/')[^1]) && !path.Contains("GenerateSecretString"))
                Assert.True(value.StartsWith("{{resolve:secretsmanager:") || value.StartsWith('@') || value.StartsWith("arn:aws:"),
                    $"{path} is a literal: {value}");
        // The functions' settings name secrets by ARN; none carries a key or a password.
        foreach (var function in _stack.Resources("AWS::Lambda::Function"))
            if (function.Properties.TryGetProperty("Environment", out var environment))
                foreach (var variable in environment.GetProperty("Variables").EnumerateObject())
                {
                    Assert.DoesNotMatch(SecretName(), variable.Name.Replace("_SECRET_ID", ""));
                    Assert.DoesNotContain("Password", SynthesizedStack.Render(variable.Value), StringComparison.OrdinalIgnoreCase);
                }
        Assert.DoesNotMatch(@"AIza[0-9A-Za-z_-]{20,}", _stack.Text); // a Google API key's shape
    }

    [Fact]
    public void The_gemini_key_is_a_secret_the_stack_creates_without_a_value_in_the_template()
    {
        var secret = _stack.Resource(_stack.Id(_stack.Stack.Workflow.GeminiKey)).GetProperty("Properties");
        Assert.False(secret.TryGetProperty("SecretString", out _));
    }

    private static IEnumerable<(string Path, string Value)> Leaves(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Object when element.TryGetProperty("Ref", out _) || element.TryGetProperty("Fn::GetAtt", out _) || element.TryGetProperty("Fn::Join", out _)
            => [(path, SynthesizedStack.Render(element))],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Leaves(p.Value, $"{path}/{p.Name}")),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => Leaves(e, $"{path}/{i}")),
        _ => [(path, element.ToString())],
    };

    [GeneratedRegex("password|secretstring|apikey|api_key", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
