using Annotator.Processing;
using Annotator.Captioning;
using Annotator.Captioning.Offline;
using Annotator.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Annotator.Tests.Captioning;

/// <summary>
/// An outage opens the provider's circuit: captioning pauses (or falls back) instead of spending every image's
/// attempts, and resumes by itself when the provider answers again. Time is a fake clock, advanced by the test.
/// </summary>
public sealed class CircuitBreakerTests
{
    private static Action<HarnessSettings> Breaker => o =>
    {
        o.Gemini.MaxAttempts = 1;
        o.Gemini.BreakerMinimumThroughput = 2;
        o.Gemini.BreakerFailureRatio = 0.5;
        o.Gemini.BreakDuration = TimeSpan.FromSeconds(30);
    };

    [Fact]
    public async Task An_outage_opens_the_circuit_pauses_captioning_and_a_recovery_closes_it()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, Breaker, clock);
        harness.Server.Always = FakeGeminiServer.Overloaded();

        await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());
        await Assert.ThrowsAsync<CaptionFailedException>(() => harness.CaptionAsync());
        Assert.Equal(CircuitState.Open, harness.Resilience.State("gemini"));

        // A third image waits for the circuit instead of calling the failing provider.
        var paused = harness.CaptionAsync();
        await Task.Delay(200);
        Assert.False(paused.IsCompleted);
        Assert.Equal(2, harness.Server.RequestCount);

        // The provider recovers; once the break is over one probe goes through and closes the circuit.
        harness.Server.Always = null;
        for (var i = 0; i < 100 && !paused.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        var caption = await paused.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(harness.Server.Caption, caption.Text);
        Assert.Equal(1, caption.Attempts); // the wait did not spend the image's attempts
        Assert.Equal(3, harness.Server.RequestCount);
        Assert.Equal(CircuitState.Closed, harness.Resilience.State("gemini"));
        Assert.Equal(harness.Server.Caption, (await harness.CaptionAsync()).Text);
    }

    [Fact]
    public async Task Waiting_images_probe_one_at_a_time_and_a_failed_probe_opens_the_circuit_again()
    {
        var clock = new FakeTimeProvider();
        await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, o =>
        {
            Breaker(o);
            o.Gemini.MaxAttempts = 2;
        }, clock);
        harness.Server.Always = FakeGeminiServer.Overloaded();
        var first = harness.CaptionAsync(); // attempt 1 fails; the retry waits for backoff on the fake clock
        var second = harness.CaptionAsync();
        for (var i = 0; i < 200 && !(first.IsCompleted && second.IsCompleted); i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        var failure = await Assert.ThrowsAsync<CaptionFailedException>(() => first);
        await Assert.ThrowsAsync<CaptionFailedException>(() => second);
        Assert.Contains("HTTP 503 UNAVAILABLE", failure.Message);
        // Two calls opened the circuit; afterwards each image made one probe, each after a full break.
        Assert.Equal(4, harness.Server.RequestCount);
        Assert.Equal(CircuitState.Open, harness.Resilience.State("gemini"));
    }

    [Collection(LibvipsCollection.Name)] // the offline fallback decodes the image with libvips
    public sealed class WithAFallback
    {
        [Fact]
        public async Task An_open_circuit_hands_captions_to_the_fallback_at_once_and_records_why()
        {
            var clock = new FakeTimeProvider();
            await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, Breaker, clock);
            harness.Server.Always = FakeGeminiServer.Overloaded();
            ICaptioner Chain() => new FallbackCaptioner([harness.Captioner(pauseWhileOpen: false), new OfflineDescriber(new LowPriorityThreads(1))], NullLogger.Instance);

            var first = await Chain().CaptionAsync(CaptionerHarness.Request(), default);
            await Chain().CaptionAsync(CaptionerHarness.Request(), default);
            var third = await Chain().CaptionAsync(CaptionerHarness.Request(), default);

            Assert.Equal("offline", first.Provider);
            Assert.Contains("gemini: Gemini failed (HTTP 503 UNAVAILABLE", first.FallbackReason);
            Assert.Equal("offline", third.Provider);
            Assert.Contains("gemini: captioning with Gemini is paused for 30 s after repeated failures", third.FallbackReason);
            Assert.Equal(2, harness.Server.RequestCount); // the third never reached the failing provider
        }

        [Fact]
        public async Task A_refused_key_falls_back_to_the_offline_describer_with_the_reason()
        {
            await using var harness = await CaptionerHarness.StartAsync(Protocol.Gemini, key: "AIzaSyWRONG-KEY-0123456789abcdef");
            var chain = new FallbackCaptioner([harness.Captioner(pauseWhileOpen: false), new OfflineDescriber(new LowPriorityThreads(1))], NullLogger.Instance);

            var caption = await chain.CaptionAsync(CaptionerHarness.Request(), default);

            Assert.Equal(CaptionInput.Jpeg, chain.Input); // the model sees a JPEG, and the describer after it works from that
            Assert.Equal("offline", caption.Provider);
            Assert.Equal("describer-1", caption.Model);
            Assert.StartsWith("gemini: Gemini refused the API key", caption.FallbackReason);
            Assert.DoesNotContain("AIzaSyWRONG", caption.FallbackReason);
        }
    }
}
