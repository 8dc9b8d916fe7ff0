namespace Annotator.Storage.S3;

/// <summary>
/// <c>Annotator:Storage:S3</c>: the bucket and how to reach it. Credentials are deliberately absent: they come
/// from the standard AWS chain (environment variables, profile, instance or task role), never from our settings.
/// </summary>
public sealed class S3StorageOptions
{
    public const string Section = "Annotator:Storage:S3";

    /// <summary>S3's smallest part (every part but the last is at least this), and ours: one part is held in memory per upload.</summary>
    public const int MinPartSize = 5 * 1024 * 1024, MaxPartSize = 1024 * 1024 * 1024;

    /// <summary>The bucket that holds <c>raw/</c> and <c>thumbnails/</c>.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>The AWS region (e.g. <c>eu-west-1</c>); empty uses the AWS chain's (<c>AWS_REGION</c>, profile). With <see cref="ServiceUrl"/>, the region requests are signed for.</summary>
    public string Region { get; set; } = "";

    /// <summary>The endpoint of an S3-compatible server (MinIO, Ceph, Garage …); empty means AWS.</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>Bucket in the path (<c>host/bucket/key</c>) instead of the host name: what most self-hosted servers need.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// <c>required</c>: checksums only where the API demands them; <c>supported</c>: on every request that can carry one.
    /// Empty picks <c>required</c> for a <see cref="ServiceUrl"/> (many S3-compatible servers do not accept the
    /// checksums the SDK sends by default) and <c>supported</c> for AWS.
    /// </summary>
    public string Checksums { get; set; } = "";

    /// <summary>A stream that ends within this many bytes goes in one PUT, a longer one in parts of this size; an upload holds one part in memory.</summary>
    public int PartSizeBytes { get; set; } = 8 * 1024 * 1024;

    public string EffectiveChecksums => Checksums.Trim().ToLowerInvariant() is { Length: > 0 } set ? set
        : string.IsNullOrWhiteSpace(ServiceUrl) ? "supported" : "required";
}
