using Annotator.Captioning;
using Annotator.Testing.Fakes;

namespace Annotator.Tests.Captioning;

/// <summary>
/// What each provider adapter does with what its API answers: success, prose, rate limits, errors, hangs,
/// malformed replies, safety blocks and bad keys, against a loopback fake of the documented API.
/// </summary>
public sealed class ProviderBehaviourTests
{
    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_structured_reply_becomes_a_caption_with_its_model_tokens_and_attempts(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Caption = "A harbour at dusk with fishing boats tied to a wooden pier.";
        harness.Server.Tags = ["Harbour", "boats", "dusk", "pier", "harbour"];

        var caption = await harness.CaptionAsync();

        Assert.Equal("A harbour at dusk with fishing boats tied to a wooden pier.", caption.Text);
        Assert.Equal(["harbour", "boats", "dusk", "pier"], caption.Tags); // lowercase, no repeats
        Assert.Equal(protocol.Name, caption.Provider);
        Assert.Equal(harness.Model, caption.Model);
        Assert.True(caption.InputTokens > 0 && caption.OutputTokens > 0, "the provider's token counts are kept");
        Assert.Equal(1, caption.Attempts);
        Assert.Null(caption.FallbackReason);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_prose_reply_is_read_for_its_caption_and_tags(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Enqueue(protocol.Reply("Sure! Here is the caption.\n\n**Caption:** A red tram crosses a stone bridge at dusk.\n**Tags:** Tram, bridge, dusk, city"));

        var caption = await harness.CaptionAsync();

        Assert.Equal("A red tram crosses a stone bridge at dusk.", caption.Text);
        Assert.Equal(["tram", "bridge", "dusk", "city"], caption.Tags);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_rate_limited_call_is_retried_after_the_wait_the_provider_asked_for(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        using var delays = new MetricRecorder("annotator.caption.retry_delay");
        harness.Server.Enqueue(protocol.RateLimited(TimeSpan.FromMilliseconds(300)));

        var caption = await harness.CaptionAsync();

        Assert.Equal(2, caption.Attempts);
        Assert.Equal(2, harness.Server.RequestCount);
        // Exactly the provider's wait, not the 10 ms backoff with jitter.
        Assert.Equal([protocol.Expressible(TimeSpan.FromMilliseconds(300)).TotalSeconds], delays.Where("model", harness.Model));
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_wait_longer_than_allowed_fails_the_caption_with_the_providers_reason(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol, o => protocol.Section(o).MaxRetryDelay = TimeSpan.FromMilliseconds(100));
        harness.Server.Enqueue(protocol.RateLimited(TimeSpan.FromMinutes(30)));

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.RateLimited, failure.Kind);
        Assert.Contains("HTTP 429", failure.Message);
        Assert.Contains("asks to wait 1800 s", failure.Message);
        Assert.Contains("MaxRetryDelay", failure.Message);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_server_error_is_retried_and_then_fails_with_the_status_and_the_attempts(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Always = protocol.ServerError();

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.Unavailable, failure.Kind);
        Assert.Contains("HTTP 500", failure.Message);
        Assert.Contains("gave up after 3 attempts", failure.Message);
        Assert.Equal(3, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_server_error_then_success_gives_the_caption(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Enqueue(protocol.ServerError(), protocol.ServerError());

        var caption = await harness.CaptionAsync();

        Assert.Equal(3, caption.Attempts);
        Assert.Equal(harness.Server.Caption, caption.Text);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_call_that_hangs_past_the_timeout_is_abandoned_retried_and_reported(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol, o =>
        {
            protocol.Section(o).Timeout = TimeSpan.FromMilliseconds(300);
            protocol.Section(o).MaxAttempts = 2;
        });
        harness.Server.Always = FakeReply.Hang;

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.Timeout, failure.Kind);
        Assert.Contains("did not answer within 0.3 s (2 attempts)", failure.Message);
        Assert.Contains($"Annotator:Captions:{protocol.Section(harness.Options).SectionName}:Timeout", failure.Message);
        Assert.Equal(2, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_malformed_reply_is_retried_and_then_reported_as_unreadable(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Always = FakeReply.Malformed;

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.BadReply, failure.Kind);
        Assert.Matches("sent a reply that (is not valid JSON|could not be read)", failure.Message);
        Assert.Equal(3, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_malformed_reply_once_is_retried_into_a_caption(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Enqueue(FakeReply.Malformed);

        var caption = await harness.CaptionAsync();

        Assert.Equal(2, caption.Attempts);
    }

    [Theory, MemberData(nameof(Protocol.WithSafetyFilters), MemberType = typeof(Protocol))]
    public async Task A_safety_block_fails_at_once_and_says_so(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);
        harness.Server.Always = protocol.SafetyBlock();

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.Blocked, failure.Kind);
        Assert.Matches("(blocked the image \\(SAFETY\\)|refused the image with its content filter)", failure.Message);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task A_refused_key_fails_at_once_names_the_setting_and_never_shows_the_key(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol, key: protocol.WrongKey);
        harness.Server.ExpectedKey ??= "the-right-key";

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.KeyRefused, failure.Kind);
        Assert.Contains("refused the API key", failure.Message);
        Assert.Contains($"check {protocol.Name.ToUpperInvariant()}_API_KEY", failure.Message);
        Assert.DoesNotContain(protocol.WrongKey, failure.Message);
        Assert.DoesNotContain(protocol.WrongKey[..12], failure.Message);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Theory, MemberData(nameof(Protocol.All), MemberType = typeof(Protocol))]
    public async Task An_image_the_provider_cannot_read_fails_at_once(Protocol protocol)
    {
        await using var harness = await CaptionerHarness.StartAsync(protocol);

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync(jpeg: "GIF89a not a jpeg"u8.ToArray()));

        Assert.Equal(CaptionFailure.BadRequest, failure.Kind);
        Assert.Contains("HTTP 400", failure.Message);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Fact]
    public async Task An_ollama_model_that_was_never_pulled_says_how_to_pull_it()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Ollama);

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync(model: "qwen2.5vl:7b"));

        Assert.Equal(CaptionFailure.ModelNotFound, failure.Kind);
        Assert.Contains("`ollama pull qwen2.5vl:7b`", failure.Message);
        Assert.Equal(1, harness.Server.RequestCount);
    }

    [Fact]
    public async Task A_provider_nobody_listens_on_is_reported_as_unreachable_with_its_address()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Ollama, o =>
        {
            o.Ollama.BaseUrl = "http://127.0.0.1:9/"; // the discard port: nothing listens there
            o.Ollama.MaxAttempts = 2;
        });

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());

        Assert.Equal(CaptionFailure.Unreachable, failure.Kind);
        Assert.Contains("cannot reach Ollama at 127.0.0.1:9 (", failure.Message);
        Assert.Contains("is `ollama serve` running there?", failure.Message);
        Assert.Contains("gave up after 2 attempts", failure.Message);
    }
}

/// <summary>A provider never sees more calls at once than its Concurrency, however many captions wait.</summary>
public sealed class ConcurrencyLimitTests
{
    [Fact]
    public async Task Captions_beyond_the_limit_queue_instead_of_calling_the_provider()
    {
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, o => o.Gemini.Concurrency = 2);
        harness.Server.Hold();

        var captions = Enumerable.Range(0, 6).Select(_ => harness.CaptionAsync()).ToList();
        for (var i = 0; i < 100 && harness.Server.RequestCount < 2; i++) await Task.Delay(20);
        await Task.Delay(200);
        Assert.Equal(2, harness.Server.RequestCount);

        harness.Server.Release();
        await Task.WhenAll(captions);

        Assert.Equal(6, harness.Server.RequestCount);
        Assert.Equal(2, harness.Server.MaxInFlight);
        Assert.All(captions, c => Assert.Equal(1, c.Result.Attempts));
    }
}
