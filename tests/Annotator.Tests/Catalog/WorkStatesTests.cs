using Annotator.Catalog;

namespace Annotator.Tests.Catalog;

public sealed class WorkStatesTests
{
    [Theory]
    [InlineData(WorkState.Pending, WorkState.Pending, WorkState.Pending)]
    [InlineData(WorkState.Done, WorkState.Processing, WorkState.Processing)]
    [InlineData(WorkState.Failed, WorkState.Pending, WorkState.Processing)] // failed only once nothing is still working on it
    [InlineData(WorkState.Done, WorkState.Failed, WorkState.Failed)]
    [InlineData(WorkState.Done, WorkState.Done, WorkState.Done)]
    public void An_image_is_failed_or_done_only_when_both_works_have_ended(WorkState thumbnail, WorkState caption, WorkState image)
    {
        Assert.Equal(image, WorkStates.Combine(thumbnail, caption));
        Assert.Contains((thumbnail, caption), WorkStates.PairsOf(image));
    }

    [Fact]
    public void The_pairs_of_the_four_states_cover_every_pair_once()
    {
        var all = Enum.GetValues<WorkState>().SelectMany(WorkStates.PairsOf).ToList();

        Assert.Equal(16, all.Count);
        Assert.Equal(16, all.Distinct().Count());
    }
}
