using Amazon.Runtime;
using Amazon.S3;

namespace Annotator.IntegrationTests.ScaleOut;

/// <summary>
/// The servers <c>scripts/services</c> starts for a test run, read from its <c>ANNOTATOR_TEST_*</c> variables, and
/// throw-away buckets on them. Outside <c>scripts/test</c> they are absent and the tests that need them skip, unless
/// <c>ANNOTATOR_TEST_SERVICES=required</c> says a missing one is a failure.
/// </summary>
public static class TestServices
{
    public static string? S3 => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_S3");

    public static bool Required => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_SERVICES") == "required";

    /// <summary>A new bucket on the S3 stand-in, and the server settings (and AWS chain variables) that use it.</summary>
    public static async Task<Dictionary<string, string>> NewBucketAsync()
    {
        var url = S3 ?? throw new InvalidOperationException("ANNOTATOR_TEST_S3 is not set: scripts/test starts the S3 stand-in");
        var bucket = $"annotator-{Guid.NewGuid():N}"[..40];
        using var client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
        {
            ServiceURL = url,
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        await client.PutBucketAsync(bucket);
        return new()
        {
            ["Annotator:Storage:Provider"] = "s3",
            ["Annotator:Storage:S3:ServiceUrl"] = url,
            ["Annotator:Storage:S3:Bucket"] = bucket,
            ["Annotator:Storage:S3:ForcePathStyle"] = "true",
            ["AWS_ACCESS_KEY_ID"] = "S3RVER",
            ["AWS_SECRET_ACCESS_KEY"] = "S3RVER",
        };
    }
}

/// <summary>A test that needs the servers scripts/services starts: skipped without them, failed without them when they are required.</summary>
public sealed class ServicesFactAttribute : FactAttribute
{
    public ServicesFactAttribute(string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is null && !TestServices.Required)
            Skip = $"{variable} is not set: scripts/test starts the servers this test needs";
    }
}
