namespace Annotator.ContractTests.Storage;

/// <summary>Tests against real AWS S3: they run only when credentials and a bucket to write to are given.</summary>
public sealed class RequiresAwsAttribute : BackendAttribute
{
    public override string? Missing => TestServices.Variable("AWS_ACCESS_KEY_ID") is null || TestServices.Variable("ANNOTATOR_TEST_AWS_BUCKET") is null
        ? "no real AWS S3 to test against: set AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and ANNOTATOR_TEST_AWS_BUCKET (a bucket these tests may write to) to run them"
        : null;
}
