namespace Annotator.ContractTests.Storage;

/// <summary>Tests against the run's S3-compatible server; without one they skip, unless services are required.</summary>
public sealed class RequiresS3rverAttribute : BackendAttribute
{
    public override string? Missing => TestServices.S3 is null && !TestServices.Required
        ? "no S3-compatible server to test against: set ANNOTATOR_TEST_S3=http://127.0.0.1:PORT to an s3rver (scripts/test starts one and sets it)"
        : null;
}
