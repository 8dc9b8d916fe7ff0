using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Annotator.Storage;
using Annotator.Storage.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.ContractTests.Storage;

/// <summary><c>Annotator:Storage:S3</c> from configuration to client, and the mistakes that stop the start; no server needed.</summary>
public sealed class S3SettingsTests
{
    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Annotator:Storage:S3:{s.Key}", (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddS3ObjectStore(configuration).BuildServiceProvider();
    }

    private static IReadOnlyList<string> Mistakes(params (string, string)[] settings)
    {
        using var services = Services(settings);
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        return [.. failure.Failures];
    }

    [Fact]
    public void A_missing_bucket_stops_the_start_naming_the_setting()
    {
        Assert.Equal(["Annotator:Storage:S3:Bucket is required: name the bucket that holds the objects"], Mistakes());
    }

    [Fact]
    public void Each_bad_value_is_one_line_naming_its_setting()
    {
        var mistakes = Mistakes(("Bucket", "Photos_2024"), ("ServiceUrl", "minio:9000"), ("Checksums", "always"), ("PartSizeBytes", "1024"));

        Assert.Equal(
        [
            "Annotator:Storage:S3:Bucket 'Photos_2024' is not a bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
            "Annotator:Storage:S3:ServiceUrl 'minio:9000' must be an http:// or https:// URL",
            "Annotator:Storage:S3:Checksums must be 'required' or 'supported', not 'always'",
            "Annotator:Storage:S3:PartSizeBytes must be between 5242880 (5 MiB) and 1073741824 (1 GiB)",
        ], mistakes);
    }

    [Fact]
    public void Credentials_in_the_endpoint_are_refused_for_the_AWS_chain()
    {
        Assert.Equal(["Annotator:Storage:S3:ServiceUrl must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile)"],
            Mistakes(("Bucket", "photos"), ("ServiceUrl", "http://key:secret@minio:9000")));
    }

    [Fact]
    public void A_self_hosted_server_gets_its_endpoint_path_style_and_only_the_checksums_it_requires()
    {
        using var services = Services(("Bucket", "photos"), ("ServiceUrl", "http://minio.internal:9000"), ("ForcePathStyle", "true"), ("Region", "garage"));
        services.GetRequiredService<IStartupValidator>().Validate();

        var config = (AmazonS3Config)services.GetRequiredKeyedService<IAmazonS3>(S3ObjectStore.ClientKey).Config;

        Assert.Equal("http://minio.internal:9000/", config.ServiceURL);
        Assert.Equal("garage", config.AuthenticationRegion);
        Assert.True(config.ForcePathStyle);
        Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
        Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
        Assert.IsType<S3ObjectStore>(services.GetRequiredService<IObjectStore>());
    }

    [Fact]
    public void AWS_gets_its_region_and_every_checksum_it_supports_unless_told_otherwise()
    {
        var aws = S3ClientConfig.From(new S3StorageOptions { Bucket = "photos", Region = "eu-west-1" });
        var fewer = S3ClientConfig.From(new S3StorageOptions { Bucket = "photos", Region = "eu-west-1", Checksums = "Required" });

        Assert.Equal(RegionEndpoint.EUWest1, aws.RegionEndpoint);
        Assert.False(aws.ForcePathStyle);
        Assert.Equal(RequestChecksumCalculation.WHEN_SUPPORTED, aws.RequestChecksumCalculation);
        Assert.Equal(ResponseChecksumValidation.WHEN_SUPPORTED, aws.ResponseChecksumValidation);
        Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, fewer.RequestChecksumCalculation);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_the_check_in_one_line()
    {
        var options = new S3StorageOptions { Bucket = "photos", ServiceUrl = "http://127.0.0.1:9", ForcePathStyle = true };
        var config = S3ClientConfig.From(options);
        config.MaxErrorRetry = 0;
        using var client = new AmazonS3Client(new BasicAWSCredentials("any", "any"), config);
        var store = new S3ObjectStore(client, Options.Create(options));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.CheckAsync(CancellationToken.None));

        Assert.StartsWith("S3 bucket 'photos' at http://127.0.0.1:9 cannot be used (", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
    }
}
