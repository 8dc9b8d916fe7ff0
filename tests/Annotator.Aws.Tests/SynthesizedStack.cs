using System.Text.Json;
using Amazon.CDK;
using Amazon.CDK.Assertions;

namespace Annotator.Aws.Tests;

/// <summary>
/// The stack synthesized in this process from the context a deployer would give (empty publish folders stand in
/// for the server and the functions: only their asset hashes reach the template), as CDK's <see cref="Template"/>
/// and as the JSON CloudFormation receives.
/// </summary>
public sealed class SynthesizedStack
{
    public const string AdminCidr = "203.0.113.7/32";
    public const string LayerArn = "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12";

    public AnnotatorStack Stack { get; }
    public Template Template { get; }
    public JsonElement Json { get; }
    public string Text { get; }

    public SynthesizedStack(Dictionary<string, object>? extra = null)
    {
        var folder = Directory.CreateTempSubdirectory("annotator-cdk-");
        foreach (var part in new[] { "web", "functions" })
            File.WriteAllText(Path.Combine(folder.CreateSubdirectory(part).FullName, "placeholder"), part);
        var context = new Dictionary<string, object>
        {
            ["region"] = "eu-west-1",
            ["adminCidr"] = AdminCidr,
            ["secretsExtensionLayerArn"] = LayerArn,
            ["webPublish"] = Path.Combine(folder.FullName, "web"),
            ["functionsPublish"] = Path.Combine(folder.FullName, "functions"),
        };
        foreach (var (key, value) in extra ?? []) context[key] = value;
        var app = new App(new AppProps { Context = context, Outdir = Path.Combine(folder.FullName, "cdk.out") });
        Stack = new AnnotatorStack(app, "Annotator", StackSettings.FromContext(app.Node));
        Template = Template.FromStack(Stack);
        var assembly = app.Synth();
        Text = File.ReadAllText(assembly.GetStackArtifact(Stack.ArtifactId).TemplateFullPath);
        Json = JsonDocument.Parse(Text).RootElement.Clone();
    }

    public string Id(Constructs.IConstruct construct) => Stack.GetLogicalId((CfnElement)construct.Node.DefaultChild!);

    public JsonElement Resource(string logicalId) => Json.GetProperty("Resources").GetProperty(logicalId);

    public IEnumerable<(string Id, JsonElement Properties)> Resources(string type) =>
        Json.GetProperty("Resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("Type").GetString() == type)
            .Select(r => (r.Name, r.Value.TryGetProperty("Properties", out var p) ? p : default));

    /// <summary>A CloudFormation value as text: <c>Ref</c> → <c>@Id</c>, <c>Fn::GetAtt</c> → <c>@Id.Attr</c>, <c>Fn::Join</c> → its parts joined, <c>Fn::Sub</c> → its template.</summary>
    public static string Render(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object when value.TryGetProperty("Ref", out var r) => "@" + r.GetString(),
        JsonValueKind.Object when value.TryGetProperty("Fn::GetAtt", out var a) => "@" + string.Join('.', a.EnumerateArray().Select(Render)),
        JsonValueKind.Object when value.TryGetProperty("Fn::Sub", out var sub) && sub.ValueKind == JsonValueKind.String => sub.GetString()!,
        JsonValueKind.Object when value.TryGetProperty("Fn::Join", out var j) =>
            string.Join(j[0].GetString(), j[1].EnumerateArray().Select(Render)),
        _ => value.GetRawText(),
    };

    /// <summary>Every statement of every policy on <paramref name="roleId"/> as "Effect Action Resource" lines, one per pair.</summary>
    public IReadOnlyList<string> Grants(string roleId) =>
        [.. Resources("AWS::IAM::Policy")
            .Where(p => p.Properties.GetProperty("Roles").EnumerateArray().Any(r => Render(r) == "@" + roleId))
            .SelectMany(p => p.Properties.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray())
            .SelectMany(s => Many(s.GetProperty("Action")).SelectMany(action => Many(s.GetProperty("Resource"))
                .Select(resource => $"{s.GetProperty("Effect").GetString()} {action} {resource}")))];

    private static IEnumerable<string> Many(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(Render) : [Render(value)];
}

/// <summary>One synthesis for the whole class (each takes seconds): HTTP only, single-AZ database.</summary>
public sealed class DefaultStack : IDisposable
{
    public SynthesizedStack Synthesized { get; } = new();

    public void Dispose() { }
}
