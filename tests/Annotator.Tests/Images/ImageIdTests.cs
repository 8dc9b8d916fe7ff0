using Annotator.Images;

namespace Annotator.Tests.Images;

public sealed class ImageIdTests
{
    [Fact]
    public void Ids_made_in_a_burst_are_unique_version_7_and_sort_in_the_order_they_were_made()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => ImageId.New()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Value.Version));
        Assert.All(ids, id => Assert.True(ImageId.TryParse(id.ToString(), out var parsed) && parsed == id));
        Assert.Equal(ids.Select(i => i.ToString()), ids.Select(i => i.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-id")]
    [InlineData("01939a2b-0000-4000-8000-000000000000")] // a version 4 GUID
    [InlineData("../../etc/passwd")]
    [InlineData("01939A2B-0000-7000-8000-00000000000")]
    public void Anything_else_is_not_an_id(string text)
    {
        Assert.False(ImageId.TryParse(text, out _));
    }
}
