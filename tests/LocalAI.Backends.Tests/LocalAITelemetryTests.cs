using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests;

/// <summary>What the router reports through <see cref="LocalAITelemetry"/>: OpenTelemetry's GenAI metrics and spans, with the backend and fallback attributes.</summary>
public sealed class LocalAITelemetryTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public LocalAITelemetryTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == LocalAITelemetry.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task ChatAfterAFallback_ReportsDurationPerAttempt_TokenUsage_AndTheFallback()
    {
        var clock = Router.NewClock();
        var down = new FakeBackend("tel-down") { Chat = { Failure = new HttpRequestException("Connection refused") } };
        var up = new FakeBackend("tel-up") { Chat = { Gate = new TaskCompletionSource() } };
        var (_, router) = Router.Create(clock, down, up);

        var pending = router.GetResponseAsync("hi", new ChatOptions { ModelId = "m1" });
        await up.Chat.Entered.Task;
        clock.Advance(TimeSpan.FromSeconds(2));
        up.Chat.Gate!.SetResult();
        await pending;

        var durations = Of("gen_ai.client.operation.duration", "tel-down", "tel-up");
        Assert.Equal(2, durations.Count);
        var failed = Assert.Single(durations, m => Equals(m.Tags[LocalAITelemetry.BackendTag], "tel-down"));
        Assert.Equal(typeof(HttpRequestException).FullName, failed.Tags["error.type"]);
        Assert.Equal(false, failed.Tags[LocalAITelemetry.FallbackTag]);
        var served = Assert.Single(durations, m => Equals(m.Tags[LocalAITelemetry.BackendTag], "tel-up"));
        Assert.Equal(2.0, served.Value);
        Assert.Equal(true, served.Tags[LocalAITelemetry.FallbackTag]);
        Assert.Equal("chat", served.Tags["gen_ai.operation.name"]);
        Assert.Equal("m1", served.Tags["gen_ai.request.model"]);
        Assert.Equal("m1", served.Tags["gen_ai.response.model"]);
        Assert.Equal("tel-up", served.Tags["gen_ai.provider.name"]);
        Assert.False(served.Tags.ContainsKey("error.type"));

        var tokens = Of("gen_ai.client.token.usage", "tel-up");
        Assert.Equal(3, Assert.Single(tokens, m => Equals(m.Tags["gen_ai.token.type"], "input")).Value);
        Assert.Equal(2, Assert.Single(tokens, m => Equals(m.Tags["gen_ai.token.type"], "output")).Value);

        var fallback = Assert.Single(Of("localai.router.fallbacks", "tel-down"));
        Assert.Equal(1, fallback.Value);
        Assert.Empty(Of("localai.router.fallbacks", "tel-up"));
    }

    [Fact]
    public async Task Stream_ReportsTokenUsageFromItsUsageUpdate_AndOneDurationWhenItEnds()
    {
        var backend = new FakeBackend("tel-stream") { Chat = { StreamUsage = true } };
        var (_, router) = Router.Create(Router.NewClock(), backend);

        var updates = await router.GetStreamingResponseAsync("hi").ToListAsync();

        Assert.Equal(4, updates.Count);
        var duration = Assert.Single(Of("gen_ai.client.operation.duration", "tel-stream"));
        Assert.Equal("test-model", duration.Tags["gen_ai.response.model"]);
        Assert.Equal([3.0, 2.0], Of("gen_ai.client.token.usage", "tel-stream").Select(m => m.Value));
    }

    [Fact]
    public async Task StreamThatFailsAfterItsFirstUpdate_ReportsAnErrorDuration()
    {
        var backend = new FakeBackend("tel-broken") { Chat = { Failure = new IOException("pipe broken"), UpdatesBeforeFailure = 1 } };
        var (_, router) = Router.Create(Router.NewClock(), backend);

        await Assert.ThrowsAsync<IOException>(() => router.GetStreamingResponseAsync("hi").ToListAsync().AsTask());

        var duration = Assert.Single(Of("gen_ai.client.operation.duration", "tel-broken"));
        Assert.Equal(typeof(IOException).FullName, duration.Tags["error.type"]);
    }

    [Fact]
    public async Task CircuitTransitions_AreCountedWithTheNewState()
    {
        var backend = new FakeBackend("tel-circuit") { Chat = { Failure = new TimeoutException() } };
        var options = new LocalAIOptions { MaxWaitForRecovery = TimeSpan.Zero, Resilience = { MinimumThroughput = 2, FailureRatio = 1.0 } };
        var (_, router) = Router.Create(Router.NewClock(), options, backend);

        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("1"));
        await Assert.ThrowsAsync<NoBackendAvailableException>(() => router.GetResponseAsync("2"));

        var opened = Assert.Single(Of("localai.router.circuit.transitions", "tel-circuit"));
        Assert.Equal("Open", opened.Tags[LocalAITelemetry.CircuitStateTag]);
    }

    [Fact]
    public async Task Embeddings_AreReportedAsTheEmbeddingsOperation()
    {
        var backend = new FakeBackend("tel-embed", BackendCapabilities.Embeddings) { Embeddings = new FakeEmbeddingGenerator("minilm", 8) };
        var manager = new BackendManager([backend], timeProvider: Router.NewClock());
        using var router = new FallbackEmbeddingGenerator(manager);

        await router.GenerateAsync(["x"]);

        // Two embedding operations: the fingerprint's probes when the router pins its model, then the request.
        var durations = Of("gen_ai.client.operation.duration", "tel-embed");
        Assert.Equal(2, durations.Count());
        var duration = durations.Last();
        Assert.Equal("embeddings", duration.Tags["gen_ai.operation.name"]);
        Assert.Equal("minilm", duration.Tags["gen_ai.response.model"]);
    }

    [Fact]
    public async Task EachAttempt_IsAClientSpan_NamedAfterOperationAndModel_WithGenAIAttributes()
    {
        var down = new FakeBackend("span-down") { Chat = { Failure = new HttpRequestException("Connection refused") } };
        var up = new FakeBackend("span-up");
        var (_, router) = Router.Create(Router.NewClock(), down, up);
        var seen = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == LocalAITelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = seen.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await router.GetResponseAsync("hi", new ChatOptions { ModelId = "m1" });

        var spans = seen.Where(a => a.GetTagItem(LocalAITelemetry.BackendTag) is "span-down" or "span-up").ToList();
        Assert.Equal(["span-down", "span-up"], spans.Select(a => a.GetTagItem(LocalAITelemetry.BackendTag)));
        Assert.All(spans, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal("chat m1", a.DisplayName);
            Assert.Equal("chat", a.GetTagItem("gen_ai.operation.name"));
            Assert.Equal("m1", a.GetTagItem("gen_ai.request.model"));
        });
        Assert.Equal(ActivityStatusCode.Error, spans[0].Status);
        Assert.Equal(true, spans[1].GetTagItem(LocalAITelemetry.FallbackTag));
        Assert.Equal(3L, spans[1].GetTagItem("gen_ai.usage.input_tokens"));
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string instrument, params string[] backends) =>
        [.. _measurements.Where(m => m.Instrument == instrument && backends.Contains(m.Tags.GetValueOrDefault(LocalAITelemetry.BackendTag) as string))];

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
