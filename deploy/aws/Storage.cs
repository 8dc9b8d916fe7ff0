using Amazon.CDK;
using Amazon.CDK.AWS.S3;
using Constructs;

namespace Annotator.Aws;

/// <summary>
/// The one bucket: <c>raw/</c> (uploads) and <c>thumbnails/</c> (what CreateThumbnail writes). Nothing in it is public,
/// every request must use TLS, objects are encrypted at rest, and every object-created event goes to EventBridge,
/// whose rule picks the <c>raw/</c> ones.
/// </summary>
public sealed class Storage : Construct
{
    public const string RawPrefix = "raw/", ThumbnailPrefix = "thumbnails/";

    public Bucket Bucket { get; }

    public Storage(Construct scope, string id) : base(scope, id)
    {
        Bucket = new Bucket(this, "Images", new BucketProps
        {
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            Encryption = BucketEncryption.S3_MANAGED,
            EnforceSSL = true,
            EventBridgeEnabled = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            // The photos outlive the stack: `cdk destroy` leaves the bucket (README says how to empty and remove it).
            RemovalPolicy = RemovalPolicy.RETAIN,
            LifecycleRules = [new LifecycleRule { AbortIncompleteMultipartUploadAfter = Duration.Days(1) }],
        });
    }
}
