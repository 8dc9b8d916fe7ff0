using Annotator.Access;
using Annotator.Catalog;
using Annotator.Images;
using Annotator.Storage;

namespace Annotator.Tests.Access.Contract;

public abstract partial class AccessContract
{
    [ContractFact]
    public async Task An_uploads_audit_entry_commits_with_the_image_or_not_at_all()
    {
        var image = new ImageRecord
        {
            Id = ImageId.New(), FileName = "holiday.jpg", Format = ImageFormat.Jpeg, Width = 4, Height = 3, SizeBytes = 10,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Now.ToUnixTimeMilliseconds()), UploaderId = "u1", UploaderName = "ada",
        };
        var entry = new AuditEntry(0, Now, "u1", "ada", "image.upload", image.Id.ToString(), "holiday.jpg", "10.0.0.7");

        await Under.Catalog.AddAsync(image, ObjectKeys.Raw(image.Id, image.Format), entry, CancellationToken.None);
        // The same id again fails as a whole: no second entry records an upload that did not happen.
        await Assert.ThrowsAnyAsync<Exception>(() => Under.Catalog.AddAsync(image, ObjectKeys.Raw(image.Id, image.Format), entry, CancellationToken.None));

        var recorded = Assert.Single(await AllAuditAsync());
        Assert.Equal(entry with { Id = recorded.Id }, recorded);
    }
}
