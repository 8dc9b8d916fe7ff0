namespace Annotator.ContractTests;

/// <summary>
/// The servers a test run was given (scripts/services starts them and exports where they listen). With
/// <c>ANNOTATOR_TEST_SERVICES=required</c> a missing one fails the tests instead of skipping them, so CI cannot
/// pass by testing nothing.
/// </summary>
public static class TestServices
{
    public static bool Required => Environment.GetEnvironmentVariable("ANNOTATOR_TEST_SERVICES") == "required";

    /// <summary>An S3-compatible server (s3rver) that accepts any credentials.</summary>
    public static string? S3 => Variable("ANNOTATOR_TEST_S3");

    public static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
