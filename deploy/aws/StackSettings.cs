using System.Net;
using System.Text.RegularExpressions;
using Amazon.CDK;

namespace Annotator.Aws;

/// <summary>
/// The stack's parameters, given as CDK context (<c>cdk deploy -c adminCidr=203.0.113.7/32 …</c>) and checked before
/// anything is synthesized. They are synthesis-time values rather than CloudFormation parameters because several
/// change the template's shape (a certificate adds the HTTPS listener, Multi-AZ the standby), and a wrong one then
/// stops <c>cdk synth</c> with one line instead of a half-created stack.
/// </summary>
public sealed partial record StackSettings
{
    public required string Region { get; init; }
    /// <summary>Who may SSH to the bastion: a CIDR, never the whole internet.</summary>
    public required string AdminCidr { get; init; }
    public string InstanceType { get; init; } = "t3.small";
    public int MinSize { get; init; } = 1;
    public int MaxSize { get; init; } = 3;
    public string DatabaseInstanceType { get; init; } = "t4g.micro";
    public int DatabaseStorageGiB { get; init; } = 20;
    public bool MultiAz { get; init; }
    public string GeminiModel { get; init; } = "gemini-flash-latest";
    /// <summary>An ACM certificate's ARN: HTTPS on 443, and HTTP redirected to it. Empty: HTTP only.</summary>
    public string CertificateArn { get; init; } = "";
    /// <summary>The AWS Parameters and Secrets Lambda Extension's layer in this region (AWS publishes one ARN per region).</summary>
    public required string SecretsExtensionLayerArn { get; init; }
    /// <summary>An EC2 key pair for SSH to the bastion and, through it, the web nodes; empty: none (use EC2 Instance Connect).</summary>
    public string KeyPairName { get; init; } = "";
    /// <summary>CreateAnnotation's Lambda concurrency at most: Gemini's request quota, not the queue, sets the pace.</summary>
    public int CaptionConcurrency { get; init; } = 2;
    public int ThumbnailConcurrency { get; init; } = 10;
    /// <summary>The folders `publish` fills: the web node's self-contained linux-x64 server, and the functions' Lambda package.</summary>
    public string WebPublish { get; init; } = "out/web";
    public string FunctionsPublish { get; init; } = "out/functions";
    /// <summary>An address the alarm topic mails (after the owner confirms AWS's first mail); empty: the topic has no subscriber.</summary>
    public string AlarmEmail { get; init; } = "";

    public static StackSettings FromContext(Constructs.Node node)
    {
        string? Get(string key) => node.TryGetContext(key)?.ToString() is { Length: > 0 } value ? value.Trim() : null;
        int Number(string key, int fallback, int min, int max)
        {
            if (Get(key) is not { } text) return fallback;
            if (!int.TryParse(text, out var value) || value < min || value > max)
                throw new StackSettingsException($"{key} is '{text}': give a whole number from {min} to {max}");
            return value;
        }
        bool Flag(string key) => Get(key) switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new StackSettingsException($"{key} is '{other}': give true or false"),
        };

        var settings = new StackSettings
        {
            Region = Get("region") ?? System.Environment.GetEnvironmentVariable("CDK_DEFAULT_REGION")
                ?? throw new StackSettingsException("region is not set: -c region=eu-west-1 (or configure a default AWS region)"),
            AdminCidr = Get("adminCidr") ?? throw new StackSettingsException("adminCidr is not set: -c adminCidr=<your address>/32 (who may SSH to the bastion)"),
            InstanceType = Get("instanceType") ?? "t3.small",
            MinSize = Number("minSize", 1, 1, 20),
            MaxSize = Number("maxSize", 3, 1, 20),
            // RDS names its classes db.<type>; CDK adds the prefix, so one given with it is taken as meant.
            DatabaseInstanceType = Get("databaseInstanceType") is { } database ? database.StartsWith("db.", StringComparison.Ordinal) ? database[3..] : database : "t4g.micro",
            DatabaseStorageGiB = Number("databaseStorageGiB", 20, 20, 16384),
            MultiAz = Flag("multiAz"),
            GeminiModel = Get("geminiModel") ?? "gemini-flash-latest",
            CertificateArn = Get("certificateArn") ?? "",
            SecretsExtensionLayerArn = Get("secretsExtensionLayerArn")
                ?? throw new StackSettingsException("secretsExtensionLayerArn is not set: -c secretsExtensionLayerArn=<the AWS-Parameters-and-Secrets-Lambda-Extension layer ARN of your region>"),
            KeyPairName = Get("keyPairName") ?? "",
            CaptionConcurrency = Number("captionConcurrency", 2, 2, 1000),
            ThumbnailConcurrency = Number("thumbnailConcurrency", 10, 2, 1000),
            WebPublish = Get("webPublish") ?? "out/web",
            FunctionsPublish = Get("functionsPublish") ?? "out/functions",
            AlarmEmail = Get("alarmEmail") ?? "",
        };
        settings.Check();
        return settings;
    }

    private void Check()
    {
        if (!RegionShape().IsMatch(Region))
            throw new StackSettingsException($"region is '{Region}': give an AWS region like eu-west-1");
        if (InstanceTypeShape().Match(InstanceType) is not { Success: true } web)
            throw new StackSettingsException($"instanceType is '{InstanceType}': give an EC2 instance type like t3.small");
        // A Graviton type (t4g, m7g, c7gn …) cannot run the server, which is published for linux-x64.
        if (web.Groups["attributes"].Value.Contains('g'))
            throw new StackSettingsException($"instanceType is '{InstanceType}', an arm64 (Graviton) type: the web nodes run the linux-x64 server, give an x86-64 type like t3.small");
        if (!InstanceTypeShape().IsMatch(DatabaseInstanceType))
            throw new StackSettingsException($"databaseInstanceType is '{DatabaseInstanceType}': give an RDS instance class like t4g.micro");
        if (!ModelShape().IsMatch(GeminiModel))
            throw new StackSettingsException($"geminiModel is '{GeminiModel}': give a Gemini model name like gemini-flash-latest");
        if (!IPNetwork.TryParse(AdminCidr, out var admin) || admin.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new StackSettingsException($"adminCidr is '{AdminCidr}': give an IPv4 network like 203.0.113.7/32");
        if (admin.PrefixLength == 0)
            throw new StackSettingsException("adminCidr is 0.0.0.0/0: SSH to the bastion must not be open to the whole internet");
        if (MinSize > MaxSize) throw new StackSettingsException($"minSize ({MinSize}) is above maxSize ({MaxSize})");
        if (CertificateArn.Length > 0 && !CertificateArn.StartsWith("arn:aws:acm:", StringComparison.Ordinal))
            throw new StackSettingsException($"certificateArn is '{CertificateArn}': give an ACM certificate ARN (arn:aws:acm:…)");
        // A load balancer takes a certificate of its own region only, and a function a layer of its own region only.
        if (CertificateArn.Length > 0 && !CertificateArn.StartsWith($"arn:aws:acm:{Region}:", StringComparison.Ordinal))
            throw new StackSettingsException($"certificateArn is '{CertificateArn}', not in {Region}: the load balancer takes a certificate of its own region only");
        if (!SecretsExtensionLayerArn.StartsWith("arn:aws:lambda:", StringComparison.Ordinal) || !SecretsExtensionLayerArn.Contains(":layer:", StringComparison.Ordinal))
            throw new StackSettingsException($"secretsExtensionLayerArn is '{SecretsExtensionLayerArn}': give a Lambda layer version ARN (arn:aws:lambda:<region>:<account>:layer:…:<version>)");
        if (!SecretsExtensionLayerArn.StartsWith($"arn:aws:lambda:{Region}:", StringComparison.Ordinal))
            throw new StackSettingsException($"secretsExtensionLayerArn is '{SecretsExtensionLayerArn}', not in {Region}: give the extension's layer ARN for {Region}");
        if (AlarmEmail.Length > 0 && !(System.Net.Mail.MailAddress.TryCreate(AlarmEmail, out var mail) && mail.Address == AlarmEmail && mail.DisplayName.Length == 0 && mail.Host.Contains('.')))
            throw new StackSettingsException($"alarmEmail is '{AlarmEmail}': give one e-mail address like ops@example.com");
        foreach (var (key, folder) in new[] { ("webPublish", WebPublish), ("functionsPublish", FunctionsPublish) })
            if (!Directory.Exists(folder))
                throw new StackSettingsException($"{key} names {Path.GetFullPath(folder)}, which does not exist: run deploy/aws/publish first (cdk deploy does)");
    }

    [GeneratedRegex(@"^[a-z]{2}(-gov)?-[a-z]+-\d$")]
    private static partial Regex RegionShape();

    /// <summary>family letters, generation, attributes, size: t3.small, m7i-flex.large, c7gn.xlarge.</summary>
    [GeneratedRegex(@"^[a-z]+\d+(?<attributes>[a-z-]*)\.[a-z0-9]+$")]
    private static partial Regex InstanceTypeShape();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]*$")]
    private static partial Regex ModelShape();
}

/// <summary>A stack parameter that is missing or wrong; the message names it and says what to give.</summary>
public sealed class StackSettingsException(string message) : Exception(message);
