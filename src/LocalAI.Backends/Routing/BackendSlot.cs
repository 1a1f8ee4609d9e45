using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LocalAI;

/// <summary>One registered backend as the router sees it: its resilience pipeline, circuit, cached status, clients, and why it would be skipped.</summary>
/// <remarks>Every call the router makes to a backend goes through its slot, which tags the result with the backend id and reports telemetry.</remarks>
internal sealed class BackendSlot
{
    /// <summary>The most backends one manager holds: a request remembers the backends it tried in one 64-bit mask.</summary>
    public const int MaxSlots = 64;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;
    private readonly BackendProbe _probe;
    private IChatClient? _chat;
    private IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private Exception? _embeddingsError;
    private int? _probedDimensions;
    private (string Model, EmbeddingFingerprint Fingerprint)? _fingerprint;
    private long _openUntilTicks;

    public BackendSlot(ILocalBackend backend, int index, LocalAIOptions options, TimeProvider timeProvider, ILogger logger)
    {
        Backend = backend;
        Id = backend.Id;
        Index = index;
        Bit = 1UL << index;
        Capabilities = backend.Capabilities;
        _time = timeProvider;
        _logger = logger;
        _probe = new BackendProbe(backend, options, timeProvider, logger);
        _probe.AvailabilityChanged += (status, previous) => Changed?.Invoke(this, new BackendStatusChangedEventArgs(Id, status, CircuitState, previous));
        _pipeline = SlotPipeline.Build(Id, options.Resilience, timeProvider, _circuit, OnCircuitChanged);
        Telemetry = new SlotTelemetry(Id, () => Chat.GetService<ChatClientMetadata>()?.ProviderName ?? Id, timeProvider, logger);
    }

    /// <summary>Raised when the backend's availability or circuit state changes.</summary>
    public event EventHandler<BackendStatusChangedEventArgs>? Changed;

    public string Id { get; }

    public ILocalBackend Backend { get; }

    /// <summary>Gets the registration index, which never changes (unlike the priority order).</summary>
    public int Index { get; }

    /// <summary>Gets this slot's bit in a request's mask of tried backends.</summary>
    public ulong Bit { get; }

    public BackendCapabilities Capabilities { get; }

    public BackendStatus? Status => _probe.Status;

    public SlotTelemetry Telemetry { get; }

    public BackendCircuitState CircuitState => _circuit.CircuitState switch
    {
        Polly.CircuitBreaker.CircuitState.Open => BackendCircuitState.Open,
        Polly.CircuitBreaker.CircuitState.HalfOpen => BackendCircuitState.HalfOpen,
        Polly.CircuitBreaker.CircuitState.Isolated => BackendCircuitState.Isolated,
        _ => BackendCircuitState.Closed,
    };

    /// <summary>Gets when an open circuit lets a trial request through.</summary>
    public DateTimeOffset OpenUntil => new(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero);

    public bool Serves(BackendCapabilities capability) => (Capabilities & capability) == capability;

    public bool HasModel(string model) => _probe.HasModel(model);

    /// <summary>Returns whether the circuit keeps this backend out of rotation at <paramref name="now"/>.</summary>
    public bool IsCoolingDown(DateTimeOffset now)
    {
        var state = _circuit.CircuitState;
        return state == Polly.CircuitBreaker.CircuitState.Isolated
            || (state == Polly.CircuitBreaker.CircuitState.Open && now.UtcTicks < Interlocked.Read(ref _openUntilTicks));
    }

    /// <summary>Returns why the router would pass this backend by for <paramref name="capability"/> at <paramref name="now"/>, from what is known without a probe; <see langword="null"/> when it would try it.</summary>
    public string? SkipReason(BackendCapabilities capability, DateTimeOffset now)
    {
        if (!Serves(capability))
        {
            return capability switch
            {
                BackendCapabilities.Chat => "does not serve chat",
                BackendCapabilities.Chat | BackendCapabilities.Vision when Serves(BackendCapabilities.Chat) => "does not take images (no Vision capability)",
                _ => $"does not serve {capability.ToString().ToLowerInvariant()}",
            };
        }

        if (IsCoolingDown(now))
        {
            return $"circuit open after repeated failures until {OpenUntil:O}";
        }

        return _probe.Status is { IsAvailable: false } status ? $"unavailable: {status.Reason}" : null;
    }

    /// <summary>Gets the status: the cached probe result while it is fresh, else a new probe.</summary>
    public Task<BackendStatus> GetStatusAsync(bool refresh, CancellationToken cancellationToken) => _probe.GetStatusAsync(refresh, cancellationToken);

    /// <summary>Returns the status for the router's hot path: probes inline only the first time, and refreshes a stale one in the background.</summary>
    public ValueTask<BackendStatus> GetRoutingStatusAsync(DateTimeOffset now, CancellationToken cancellationToken) => _probe.GetRoutingStatusAsync(now, cancellationToken);


    private IChatClient Chat => _chat ??= Backend.GetChatClient();

    /// <summary>Gets the backend's embedding generator, or <see langword="null"/> (with <paramref name="error"/>) when the backend could not create one; a failed creation is tried again on the next call.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? GetEmbeddingGenerator(out Exception? error)
    {
        if (_embeddings is null)
        {
            try
            {
                _embeddings = Backend.GetEmbeddingGenerator();
                _embeddingsError = null;
            }
            catch (Exception ex) when (ex is LocalAIException or NotSupportedException or IOException or HttpRequestException)
            {
                _embeddingsError = ex;
            }
        }

        error = _embeddingsError;
        return _embeddings;
    }

    /// <summary>Gets the embedding model identity this backend serves: what its generator declares, with the dimensions learnt from one probe embedding when it does not declare them yet.</summary>
    /// <returns>The identity, or <see langword="null"/> when the generator names no model.</returns>
    /// <exception cref="Exception">The generator could not be created, or the probe embedding failed.</exception>
    public async ValueTask<EmbeddingModelIdentity?> GetEmbeddingIdentityAsync(CancellationToken cancellationToken)
    {
        var generator = GetEmbeddingGenerator(out var error);
        if (generator is null)
        {
            throw error!;
        }

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        if (metadata?.DefaultModelId is not { } model)
        {
            return null;
        }

        if (metadata.DefaultModelDimensions is { } declared)
        {
            return new EmbeddingModelIdentity(model, declared);
        }

        if (_probedDimensions is not { } dimensions)
        {
            // The generator loads lazily and learns its dimensions on first use: its fingerprint's probes tell them.
            _probedDimensions = dimensions = (await GetEmbeddingFingerprintAsync(cancellationToken).ConfigureAwait(false)).Dimensions;
        }

        return new EmbeddingModelIdentity(model, dimensions);
    }

    /// <summary>Gets the fingerprint of the backend's embedding model (its vectors of <see cref="EmbeddingFingerprint.ProbeTexts"/>), measured once per model through the resilience pipeline and cached.</summary>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="Exception">The generator could not be created, or the probe embeddings failed.</exception>
    public async ValueTask<EmbeddingFingerprint> GetEmbeddingFingerprintAsync(CancellationToken cancellationToken)
    {
        var generator = GetEmbeddingGenerator(out var error) ?? throw error!;
        var model = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? string.Empty;
        if (_fingerprint is { } cached && string.Equals(cached.Model, model, StringComparison.OrdinalIgnoreCase))
        {
            return cached.Fingerprint;
        }

        var probes = await GenerateAsync(generator, EmbeddingFingerprint.ProbeTexts, null, false, cancellationToken).ConfigureAwait(false);
        var fingerprint = EmbeddingFingerprint.FromEmbeddings(probes);
        _fingerprint = (model, fingerprint);
        return fingerprint;
    }


    /// <summary>Gets a chat response through the backend's resilience pipeline, tagged with the backend id.</summary>
    public async ValueTask<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool fallback, CancellationToken cancellationToken)
    {
        var chat = Chat;
        var requestModel = options?.ModelId;
        using var activity = Telemetry.StartActivity(LocalAITelemetry.ChatOperation, requestModel, fallback);
        var started = Telemetry.Timestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static (ctx, s) => new ValueTask<ChatResponse>(s.chat.GetResponseAsync(s.messages, s.options, ctx.CancellationToken)),
                context,
                (chat, messages, options)).ConfigureAwait(false);

            if (response.AdditionalProperties is { } properties)
            {
                properties[LocalAITelemetry.BackendTag] = Id;
            }
            else
            {
                response.AdditionalProperties = new() { [LocalAITelemetry.BackendTag] = Id };
            }

            Telemetry.Succeeded(LocalAITelemetry.ChatOperation, activity, started, fallback, requestModel, response.ModelId, response.Usage);
            return response;
        }
        catch (Exception ex) when (Failed(ex, LocalAITelemetry.ChatOperation, activity, started, fallback, requestModel, cancellationToken, out var translated))
        {
            throw translated;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Opens a stream through the backend's resilience pipeline and waits for its first update, within <see cref="BackendResilienceOptions.FirstUpdateTimeout"/>.</summary>
    public async ValueTask<SlotStream> OpenStreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool fallback, CancellationToken cancellationToken)
    {
        var requestModel = options?.ModelId;
        var activity = Telemetry.StartActivity(LocalAITelemetry.ChatOperation, requestModel, fallback);
        var started = Telemetry.Timestamp();
        var stream = new SlotStream(this, Chat, messages, options, fallback, activity, started, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SlotPipeline.FirstUpdateKey, true);
        try
        {
            await _pipeline.ExecuteAsync(static (ctx, s) => s.MoveFirstAsync(ctx.CancellationToken), context, stream).ConfigureAwait(false);
            return stream;
        }
        catch (Exception ex)
        {
            await stream.AbandonAsync().ConfigureAwait(false);
            var wasTranslated = Failed(ex, LocalAITelemetry.ChatOperation, activity, started, fallback, requestModel, cancellationToken, out var translated);
            activity?.Dispose();
            if (wasTranslated)
            {
                throw translated!;
            }

            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Generates embeddings through the backend's resilience pipeline, checks their dimensions against <paramref name="expected"/> and tags the result with the backend id.</summary>
    public async ValueTask<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options, EmbeddingModelIdentity? expected, bool fallback, CancellationToken cancellationToken)
    {
        var generator = GetEmbeddingGenerator(out var error) ?? throw error!;
        var result = await GenerateAsync(generator, values, options, fallback, cancellationToken).ConfigureAwait(false);
        if (expected is not null)
        {
            foreach (var embedding in result)
            {
                if (embedding.Vector.Length != expected.Dimensions)
                {
                    throw new EmbeddingModelMismatchException(
                        expected,
                        new EmbeddingModelIdentity(embedding.ModelId ?? expected.Model, embedding.Vector.Length),
                        $"Backend '{Id}'")
                    { BackendId = Id };
                }
            }
        }

        return result;
    }

    private async ValueTask<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> values, EmbeddingGenerationOptions? options, bool fallback, CancellationToken cancellationToken)
    {
        var requestModel = options?.ModelId;
        using var activity = Telemetry.StartActivity(LocalAITelemetry.EmbeddingsOperation, requestModel, fallback);
        var started = Telemetry.Timestamp();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static (ctx, s) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(s.generator.GenerateAsync(s.values, s.options, ctx.CancellationToken)),
                context,
                (generator, values, options)).ConfigureAwait(false);

            result.AdditionalProperties ??= [];
            result.AdditionalProperties[LocalAITelemetry.BackendTag] = Id;
            Telemetry.Succeeded(LocalAITelemetry.EmbeddingsOperation, activity, started, fallback, requestModel, result.Count > 0 ? result[0].ModelId : null, result.Usage);
            return result;
        }
        catch (Exception ex) when (Failed(ex, LocalAITelemetry.EmbeddingsOperation, activity, started, fallback, requestModel, cancellationToken, out var translated))
        {
            throw translated;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Reports a failed attempt, marks the backend for a fresh probe when the failure is the backend's, and turns the pipeline's own exceptions into the LocalAI family.</summary>
    internal bool Failed(
        Exception exception,
        string operation,
        Activity? activity,
        long started,
        bool fallback,
        string? requestModel,
        CancellationToken cancellationToken,
        [NotNullWhen(true)] out Exception? translated)
    {
        translated = null;
        var cancelled = cancellationToken.IsCancellationRequested && exception is OperationCanceledException;
        Telemetry.Failed(exception, cancelled, operation, activity, started, fallback, requestModel);
        if (cancelled)
        {
            return false;
        }

        if (FallbackPolicy.ShouldFallBack(exception))
        {
            _probe.MarkStale();
        }

        translated = exception switch
        {
            BrokenCircuitException => new BackendUnavailableException(
                $"Backend '{Id}' is cooling down after repeated failures; its circuit stays open until {OpenUntil:O}.", exception)
            { BackendId = Id },
            TimeoutRejectedException timeout => new BackendUnavailableException(
                $"Backend '{Id}' did not answer within {timeout.Timeout}. Raise LocalAI:Resilience:AttemptTimeout or FirstUpdateTimeout if the model needs longer.", exception)
            { BackendId = Id },
            _ => null,
        };
        return translated is not null;
    }

    private void OnCircuitChanged(BackendCircuitState state, TimeSpan? breakDuration)
    {
        Interlocked.Exchange(ref _openUntilTicks, breakDuration is { } open ? (_time.GetUtcNow() + open).UtcTicks : 0);
        LocalAITelemetry.CircuitTransitions.Add(1, new(LocalAITelemetry.BackendTag, Id), new(LocalAITelemetry.CircuitStateTag, state.ToString()));
        if (breakDuration is { } duration)
        {
            Log.CircuitOpened(_logger, Id, duration);
        }
        else
        {
            Log.CircuitChanged(_logger, Id, state.ToString());
        }

        Changed?.Invoke(this, new BackendStatusChangedEventArgs(Id, _probe.Status, state, _probe.Status?.IsAvailable));
    }
}
