namespace Annotator.Aws.Tests;

/// <summary>Each role's grants on the bucket, the secrets and the queues, exactly.</summary>
public sealed class IamTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    private string Bucket => $"@{_stack.Id(_stack.Stack.Storage.Bucket)}.Arn";
    private string DatabaseSecret => "@" + _stack.Id(_stack.Stack.Database.Secret);
    private string GeminiSecret => "@" + _stack.Id(_stack.Stack.Workflow.GeminiKey);

    private IEnumerable<string> On(string role, string prefix) =>
        _stack.Grants(role).Where(g => g.Split(' ')[1].StartsWith(prefix, StringComparison.Ordinal)).Order();

    private string FunctionRole(FunctionParts parts) => _stack.Id(parts.Function.Role!);

    [Fact]
    public void CreateThumbnail_reads_raw_and_writes_thumbnails_and_reads_only_the_database_secret()
    {
        var role = FunctionRole(_stack.Stack.Workflow.Thumbnail);
        Assert.Equal(new[]
        {
            $"Allow s3:DeleteObject {Bucket}/thumbnails/*",
            $"Allow s3:GetObject {Bucket}/raw/*",
            $"Allow s3:PutObject {Bucket}/thumbnails/*",
        }.Order(), On(role, "s3:"));
        Assert.All(On(role, "secretsmanager:"), g => Assert.EndsWith(" " + DatabaseSecret, g));
        Assert.NotEmpty(On(role, "secretsmanager:GetSecretValue"));
        Assert.DoesNotContain(On(role, "sqs:"), g => g.Contains("sqs:SendMessage"));
    }

    [Fact]
    public void CreateAnnotation_only_reads_raw_and_reads_the_database_secret_and_the_gemini_key()
    {
        var role = FunctionRole(_stack.Stack.Workflow.Annotation);
        Assert.Equal([$"Allow s3:GetObject {Bucket}/raw/*"], On(role, "s3:"));
        Assert.Equal(new[] { DatabaseSecret, GeminiSecret }.Order(), On(role, "secretsmanager:GetSecretValue").Select(g => g.Split(' ')[2]).Order());
        Assert.DoesNotContain(On(role, "sqs:"), g => g.Contains("sqs:SendMessage"));
    }

    [Fact]
    public void The_functions_consume_only_their_own_queue()
    {
        foreach (var (parts, other) in new[] { (_stack.Stack.Workflow.Thumbnail, _stack.Stack.Workflow.Annotation), (_stack.Stack.Workflow.Annotation, _stack.Stack.Workflow.Thumbnail) })
        {
            var sqs = On(FunctionRole(parts), "sqs:").ToList();
            Assert.Contains($"Allow sqs:ReceiveMessage @{_stack.Id(parts.Queue)}.Arn", sqs);
            Assert.Contains($"Allow sqs:DeleteMessage @{_stack.Id(parts.Queue)}.Arn", sqs);
            Assert.All(sqs, g => Assert.EndsWith($" @{_stack.Id(parts.Queue)}.Arn", g));
            Assert.DoesNotContain(sqs, g => g.Contains(_stack.Id(other.Queue)));
        }
    }

    [Fact]
    public void The_web_tier_writes_raw_reads_and_deletes_both_reads_only_the_database_secret_and_sends_only_to_the_two_queues()
    {
        var role = _stack.Id(_stack.Stack.Web.Role);
        Assert.Equal(new[]
        {
            $"Allow s3:AbortMultipartUpload {Bucket}/raw/*",
            $"Allow s3:DeleteObject {Bucket}/raw/*",
            $"Allow s3:DeleteObject {Bucket}/thumbnails/*",
            $"Allow s3:GetObject {Bucket}/raw/*",
            $"Allow s3:GetObject {Bucket}/thumbnails/*",
            $"Allow s3:ListBucket {Bucket}",
            $"Allow s3:PutObject {Bucket}/raw/*",
        }.Order(), On(role, "s3:").Where(g => g.Contains(Bucket)));
        // What else it may read in S3 is its own CDK asset (the server it runs), read-only.
        Assert.All(On(role, "s3:").Where(g => !g.Contains(Bucket)), g => Assert.Matches(@"^Allow s3:(GetObject\*|GetBucket\*|List\*) ", g));
        Assert.Equal([DatabaseSecret], On(role, "secretsmanager:GetSecretValue").Select(g => g.Split(' ')[2]));
        var queues = new[] { _stack.Stack.Workflow.Thumbnail, _stack.Stack.Workflow.Annotation }.Select(p => $"@{_stack.Id(p.Queue)}.Arn").Order();
        Assert.Equal(queues, On(role, "sqs:SendMessage").Select(g => g.Split(' ')[2]).Order());
        Assert.All(On(role, "sqs:"), g => Assert.Matches(@"^Allow sqs:(SendMessage|GetQueueAttributes|GetQueueUrl) ", g));
        // Its logs: new streams and events in its own group only; no group made, no retention changed, no other group.
        var logs = $"@{_stack.Id(_stack.Stack.Web.Logs)}.Arn";
        Assert.Equal([$"Allow logs:CreateLogStream {logs}", $"Allow logs:PutLogEvents {logs}"], On(role, "logs:"));
        // Nothing else: no managed policy (CloudWatchAgentServerPolicy would let it write to every group), no other service.
        Assert.False(_stack.Resource(role).GetProperty("Properties").TryGetProperty("ManagedPolicyArns", out _));
        Assert.All(_stack.Grants(role), g => Assert.Matches(@"^Allow (s3|secretsmanager|sqs|logs):", g));
    }

    [Fact]
    public void No_role_is_given_a_wildcard_and_the_functions_only_aws_managed_policies_for_logs_and_their_network_interfaces()
    {
        var statements = _stack.Resources("AWS::IAM::Policy")
            .SelectMany(p => p.Properties.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray()
                .SelectMany(s => Many(s.GetProperty("Action")).SelectMany(a => Many(s.GetProperty("Resource")).Select(r => (Policy: p.Id, Action: a, Resource: r)))))
            .ToList();
        Assert.DoesNotContain(statements, s => s.Action == "*" || s.Action.EndsWith(":*", StringComparison.Ordinal));
        // The one grant on every resource is CDK's own handler turning on the bucket's EventBridge notifications.
        var anyResource = Assert.Single(statements, s => s.Resource == "*");
        Assert.Equal("s3:PutBucketNotification", anyResource.Action);
        Assert.StartsWith("BucketNotificationsHandler", anyResource.Policy);

        foreach (var parts in new[] { _stack.Stack.Workflow.Thumbnail, _stack.Stack.Workflow.Annotation })
        {
            var managed = _stack.Resource(FunctionRole(parts)).GetProperty("Properties").GetProperty("ManagedPolicyArns").EnumerateArray()
                .Select(SynthesizedStack.Render).Order();
            Assert.Equal(["arn:@AWS::Partition:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:@AWS::Partition:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"], managed);
        }
        // The bastion's role may do nothing at all: it is a jump host.
        var bastion = _stack.Id(_stack.Stack.Bastion.Instance.Role);
        Assert.Empty(_stack.Grants(bastion));
        Assert.False(_stack.Resource(bastion).GetProperty("Properties").TryGetProperty("ManagedPolicyArns", out _));
    }

    private static IEnumerable<string> Many(System.Text.Json.JsonElement value) =>
        value.ValueKind == System.Text.Json.JsonValueKind.Array ? value.EnumerateArray().Select(SynthesizedStack.Render) : [SynthesizedStack.Render(value)];
}
