using Annotator.Captioning;
using Annotator.Captioning.Models;

namespace Annotator.Tests.Captioning;

/// <summary>Models answer in many shapes; each is read into one or two sentences and 3–10 clean tags where it can be.</summary>
public sealed class CaptionReplyTests
{
    [Fact]
    public void Json_in_a_code_fence_is_read()
    {
        var (text, tags) = CaptionReply.Parse("```json\n{\"caption\": \"A dog runs on a beach.\", \"tags\": [\"dog\", \"beach\", \"running\"]}\n```", "Test");

        Assert.Equal("A dog runs on a beach.", text);
        Assert.Equal(["dog", "beach", "running"], tags);
    }

    [Fact]
    public void Json_cut_off_mid_list_keeps_the_caption_and_the_complete_tags()
    {
        var (text, tags) = CaptionReply.Parse("{\"caption\": \"A \\\"vintage\\\" red car parked outside a bakery.\", \"tags\": [\"car\", \"red\", \"bakery\", \"vint", "Test");

        Assert.Equal("A \"vintage\" red car parked outside a bakery.", text);
        Assert.Equal(["car", "red", "bakery"], tags);
    }

    [Fact]
    public void Tags_are_lowercased_trimmed_deduplicated_and_capped_at_ten()
    {
        var (_, tags) = CaptionReply.Parse("""{"caption":"Many things.","tags":["#Sky"," sea ","SEA","a","b","c","d","e","f","g","h","i","j"]}""", "Test");

        Assert.Equal(["sky", "sea", "a", "b", "c", "d", "e", "f", "g", "h"], tags);
    }

    [Fact]
    public void Tags_given_as_one_string_are_split()
    {
        var (_, tags) = CaptionReply.Parse("""{"description":"A bridge.","keywords":"bridge, river; night"}""", "Test");

        Assert.Equal(["bridge", "river", "night"], tags);
    }

    [Fact]
    public void A_long_answer_keeps_its_first_two_sentences()
    {
        var (text, _) = CaptionReply.Parse("""{"caption":"A market square. Stalls sell fruit. People walk by. It is noon.","tags":["market"]}""", "Test");

        Assert.Equal("A market square. Stalls sell fruit.", text);
    }

    [Fact]
    public void Plain_prose_becomes_the_caption_and_hashtags_the_tags()
    {
        var (text, tags) = CaptionReply.Parse("A snowy mountain hut under a clear sky. #mountain #snow #hut", "Test");

        Assert.Equal("A snowy mountain hut under a clear sky.", text);
        Assert.Equal(["mountain", "snow", "hut"], tags);
    }

    [Fact]
    public void An_empty_answer_is_a_transient_bad_reply()
    {
        var e = Assert.Throws<ProviderException>(() => CaptionReply.Parse("   ", "Gemini"));

        Assert.Equal(CaptionFailure.BadReply, e.Kind);
        Assert.True(e.Transient);
        Assert.Equal("Gemini answered with no text", e.Message);
    }

    [Fact]
    public void Json_without_a_caption_is_a_bad_reply_quoting_the_answer()
    {
        var e = Assert.Throws<ProviderException>(() => CaptionReply.Parse("""{"caption":"","tags":["x"]}""", "Gemini"));

        Assert.Equal(CaptionFailure.BadReply, e.Kind);
        Assert.Contains("Gemini answered without a caption", e.Message);
    }
}
