using System.Diagnostics.Metrics;
using Annotator.Captioning;
using Annotator.Captioning.Gemini;
using Annotator.Captioning.Models;
using Annotator.Captioning.Ollama;
using Annotator.Captioning.OpenAi;
using Annotator.Images;
using Annotator.Testing;
using Annotator.Testing.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Captioning;

/// <summary>One provider protocol: its fake server, its adapter, and its way of saying each thing.</summary>
public abstract class Protocol
{
    public abstract string Name { get; }

    /// <summary>The key the fake accepts (null: the fake takes no key).</summary>
    public abstract string? Key { get; }

    public abstract string WrongKey { get; }

    public abstract Task<FakeProviderServer> StartAsync();

    public abstract ModelProviderOptions Section(HarnessSettings settings);

    public abstract ModelCaptioner Create(HttpClient http, HarnessSettings settings, ProviderKeys keys, CaptionResilience resilience);

    public abstract FakeReply Reply(string text);

    public abstract FakeReply RateLimited(TimeSpan delay);

    /// <summary>The wait the protocol can express for <see cref="RateLimited"/> (Retry-After has whole seconds).</summary>
    public virtual TimeSpan Expressible(TimeSpan delay) => delay;

    public abstract FakeReply ServerError();

    /// <summary>Null where the protocol has no safety filter.</summary>
    public abstract FakeReply? SafetyBlock();

    public override string ToString() => Name;

    public static readonly Protocol Gemini = new GeminiProtocol();
    public static readonly Protocol OpenAi = new OpenAiProtocol();
    public static readonly Protocol Ollama = new OllamaProtocol();

    public static TheoryData<Protocol> All => [Gemini, OpenAi, Ollama];

    public static TheoryData<Protocol> WithSafetyFilters => [Gemini, OpenAi];

    private sealed class GeminiProtocol : Protocol
    {
        public override string Name => "gemini";
        public override string? Key => "test-key";
        public override string WrongKey => "AIzaSyWRONG-KEY-0123456789abcdef";
        public override async Task<FakeProviderServer> StartAsync() => await FakeGeminiServer.StartNewAsync();
        public override ModelProviderOptions Section(HarnessSettings settings) => settings.Gemini;
        public override ModelCaptioner Create(HttpClient http, HarnessSettings settings, ProviderKeys keys, CaptionResilience resilience) =>
            new GeminiCaptioner(http, Options.Create(settings.Gemini), Options.Create(settings.Captions), keys, resilience, TimeProvider.System);
        public override FakeReply Reply(string text) => FakeGeminiServer.Text(text);
        public override FakeReply RateLimited(TimeSpan delay) => FakeGeminiServer.RateLimited(delay);
        public override FakeReply ServerError() => FakeGeminiServer.InternalError();
        public override FakeReply? SafetyBlock() => FakeGeminiServer.Blocked();
    }

    private sealed class OpenAiProtocol : Protocol
    {
        public override string Name => "openai";
        public override string? Key => "sk-test-key-0123456789";
        public override string WrongKey => "sk-wrong-key-9876543210";
        public override async Task<FakeProviderServer> StartAsync() => await FakeOpenAiServer.StartNewAsync();
        public override ModelProviderOptions Section(HarnessSettings settings) => settings.Openai;
        public override ModelCaptioner Create(HttpClient http, HarnessSettings settings, ProviderKeys keys, CaptionResilience resilience) =>
            new OpenAiCaptioner(http, Options.Create(settings.Openai), Options.Create(settings.Captions), keys, resilience, TimeProvider.System);
        public override FakeReply Reply(string text) => FakeOpenAiServer.Text(text);
        public override FakeReply RateLimited(TimeSpan delay) => FakeOpenAiServer.RateLimited(delay);
        public override FakeReply ServerError() => FakeOpenAiServer.InternalError();
        public override FakeReply? SafetyBlock() => FakeOpenAiServer.ContentFiltered();
    }

    private sealed class OllamaProtocol : Protocol
    {
        public override string Name => "ollama";
        public override string? Key => null;
        public override string WrongKey => "ollama-wrong-key-123456";
        public override async Task<FakeProviderServer> StartAsync() => await FakeOllamaServer.StartNewAsync();
        public override ModelProviderOptions Section(HarnessSettings settings) => settings.Ollama;
        public override ModelCaptioner Create(HttpClient http, HarnessSettings settings, ProviderKeys keys, CaptionResilience resilience) =>
            new OllamaCaptioner(http, Options.Create(settings.Ollama), Options.Create(settings.Captions), keys, resilience, TimeProvider.System);
        public override FakeReply Reply(string text) => FakeOllamaServer.Text(text);
        public override FakeReply RateLimited(TimeSpan delay) => FakeOllamaServer.Busy(delay);
        public override TimeSpan Expressible(TimeSpan delay) => TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
        public override FakeReply ServerError() => FakeOllamaServer.InternalError();
        public override FakeReply? SafetyBlock() => null;
    }
}

/// <summary>What a harness's adapter is configured with: the shared captions settings and each provider's own section.</summary>
public sealed class HarnessSettings
{
    public CaptionOptions Captions { get; } = new();
    public GeminiOptions Gemini { get; } = new();
    public OpenAiOptions Openai { get; } = new();
    public OllamaOptions Ollama { get; } = new();
}

/// <summary>
/// A model adapter wired to its fake server with quick, small settings (3 attempts, 10 ms backoff), the way the
/// server wires it, but without the rest of the application.
/// </summary>
public sealed class CaptionerHarness : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private ProviderKeys _keys = null!;

    private CaptionerHarness(Protocol protocol, FakeProviderServer server, HarnessSettings options, CaptionResilience resilience, string model)
    {
        Protocol = protocol;
        Server = server;
        Options = options;
        Resilience = resilience;
        Model = model;
    }

    public Protocol Protocol { get; }
    public FakeProviderServer Server { get; }
    public HarnessSettings Options { get; }
    public CaptionResilience Resilience { get; }

    /// <summary>A model name unique to this harness, so its metrics can be told apart.</summary>
    public string Model { get; }

    public static readonly byte[] Jpeg = File.ReadAllBytes(TestData.Image("nikon-gps.jpg"));

    public static async Task<CaptionerHarness> StartAsync(
        Protocol protocol, Action<HarnessSettings>? configure = null, TimeProvider? time = null, string? key = null, bool keyless = false)
    {
        var server = await protocol.StartAsync();
        var model = $"{protocol.Name}-test-{Guid.NewGuid():N}"[..24];
        if (server is FakeOllamaServer ollama) ollama.Models.Add(model);
        var options = new HarnessSettings();
        var section = protocol.Section(options);
        section.BaseUrl = server.BaseUrl.ToString();
        section.Model = model;
        section.MaxAttempts = 3;
        section.RetryDelay = TimeSpan.FromMilliseconds(10);
        section.MaxRetryDelay = TimeSpan.FromSeconds(5);
        section.Timeout = TimeSpan.FromSeconds(20);
        section.BreakerMinimumThroughput = 1000; // the breaker has its own tests
        configure?.Invoke(options);

        var resilience = new CaptionResilience(time ?? TimeProvider.System, NullLoggerFactory.Instance);
        var harness = new CaptionerHarness(protocol, server, options, resilience, model);
        harness._keys = Keys(protocol.Name, keyless ? null : key ?? protocol.Key);
        return harness;
    }

    public static ProviderKeys Keys(string provider, string? key) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(key is null ? [] : new Dictionary<string, string?> { [ProviderKeys.Variable(provider)] = key })
        .Build());

    public ModelCaptioner Captioner(string? model = null, bool pauseWhileOpen = true) =>
        Protocol.Create(_http, Options, _keys, Resilience).Using(model, pauseWhileOpen);

    public static CaptionRequest Request(byte[]? jpeg = null) => new(jpeg ?? Jpeg, 640, 480, ImageFacts.None, "nikon-gps.jpg");

    public Task<Caption> CaptionAsync(string? model = null, byte[]? jpeg = null, CancellationToken cancellationToken = default) =>
        Captioner(model).CaptionAsync(Request(jpeg), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Collects what one instrument of the "Annotator" meter records while it lives.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public MetricRecorder(string instrument)
    {
        _listener.InstrumentPublished = (i, listener) =>
        {
            if (i.Meter.Name == Annotator.Processing.ProcessingTelemetry.MeterName && i.Name == instrument) listener.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        _listener.Start();
    }

    public IReadOnlyList<double> Where(string tag, string value)
    {
        lock (_measurements) return [.. _measurements.Where(m => Equals(m.Tags.GetValueOrDefault(tag), value)).Select(m => m.Value)];
    }

    private void Add(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        lock (_measurements) _measurements.Add((value, copy));
    }

    public void Dispose() => _listener.Dispose();
}
