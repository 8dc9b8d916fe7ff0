using Amazon.CDK.Assertions;
using CdkMatch = Amazon.CDK.Assertions.Match;

namespace Annotator.Aws.Tests;

public sealed class StorageTests(DefaultStack fixture) : IClassFixture<DefaultStack>
{
    private readonly SynthesizedStack _stack = fixture.Synthesized;

    [Fact]
    public void The_bucket_is_not_public_is_encrypted_and_sends_its_events_to_eventbridge()
    {
        _stack.Template.ResourceCountIs("AWS::S3::Bucket", 1);
        _stack.Template.HasResourceProperties("AWS::S3::Bucket", new Dictionary<string, object>
        {
            ["PublicAccessBlockConfiguration"] = new Dictionary<string, object>
            {
                ["BlockPublicAcls"] = true, ["BlockPublicPolicy"] = true, ["IgnorePublicAcls"] = true, ["RestrictPublicBuckets"] = true,
            },
            ["BucketEncryption"] = CdkMatch.ObjectLike(new Dictionary<string, object>
            {
                ["ServerSideEncryptionConfiguration"] = new object[]
                {
                    new Dictionary<string, object> { ["ServerSideEncryptionByDefault"] = new Dictionary<string, object> { ["SSEAlgorithm"] = "AES256" } },
                },
            }),
        });
        // CDK's own notifications handler turns EventBridge on for the bucket.
        _stack.Template.HasResourceProperties("Custom::S3BucketNotifications", new Dictionary<string, object>
        {
            ["NotificationConfiguration"] = new Dictionary<string, object> { ["EventBridgeConfiguration"] = new Dictionary<string, object>() },
        });
        // No ACL, no website, no grant to everyone.
        Assert.DoesNotContain("PublicRead", _stack.Text);
        Assert.DoesNotContain("WebsiteConfiguration", _stack.Text);
    }

    [Fact]
    public void The_bucket_refuses_every_request_without_tls()
    {
        var policy = Assert.Single(_stack.Resources("AWS::S3::BucketPolicy")).Properties;
        var deny = Assert.Single(policy.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray(),
            s => s.GetProperty("Effect").GetString() == "Deny");
        Assert.Equal("s3:*", deny.GetProperty("Action").GetString());
        Assert.Equal("*", deny.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal("false", deny.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString());
        // And nothing in the policy allows anyone.
        Assert.DoesNotContain(policy.GetProperty("PolicyDocument").GetProperty("Statement").EnumerateArray(), s => s.GetProperty("Effect").GetString() == "Allow");
    }
}
