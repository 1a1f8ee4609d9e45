using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LocalAI;

/// <summary>One registered backend as the router sees it: its resilience pipeline, circuit, cached status, clients, and why it would be skipped.</summary>
/// <remarks>Every call the router makes to a backend goes through its slot, which tags the result with the backend id and reports telemetry.</remarks>
internal sealed class BackendSlot
{
    /// <summary>The most backends one manager holds: a request remembers the backends it tried in one 64-bit mask.</summary>
    public const int MaxSlots = 64;

    private static readonly ResiliencePropertyKey<bool> FirstUpdateKey = new("localai.first-update");

    private readonly LocalAIOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _pipeline;
    private IChatClient? _chat;
    private string? _providerName;
    private IEmbeddingGenerator<string, Embedding<float>>? _embeddings;
    private Exception? _embeddingsError;
    private int? _probedDimensions;
    private HashSet<string> _models = new(StringComparer.OrdinalIgnoreCase);
    private BackendStatus? _status;
    private long _statusExpiresTicks;
    private long _openUntilTicks;
    private int _refreshing;

    public BackendSlot(ILocalBackend backend, int index, LocalAIOptions options, TimeProvider timeProvider, ILogger logger)
    {
        Backend = backend;
        Id = backend.Id;
        Index = index;
        Bit = 1UL << index;
        Capabilities = backend.Capabilities;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _pipeline = BuildPipeline(options.Resilience);
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

    public BackendStatus? Status => _status;

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

    public bool HasModel(string model) => _models.Contains(model);

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
            return capability == BackendCapabilities.Chat ? "does not serve chat" : $"does not serve {capability.ToString().ToLowerInvariant()}";
        }

        if (IsCoolingDown(now))
        {
            return $"circuit open after repeated failures until {OpenUntil:O}";
        }

        return _status is { IsAvailable: false } status ? $"unavailable: {status.Reason}" : null;
    }

    // ---- status -------------------------------------------------------------------------------------------------

    /// <summary>Gets the status: the cached probe result while it is fresh, else a new probe.</summary>
    public Task<BackendStatus> GetStatusAsync(bool refresh, CancellationToken cancellationToken)
    {
        var status = _status;
        return !refresh && status is not null && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _statusExpiresTicks)
            ? Task.FromResult(status)
            : ProbeAsync(cancellationToken);
    }

    /// <summary>Returns the status for the router's hot path: probes inline only the first time, and refreshes a stale one in the background.</summary>
    public ValueTask<BackendStatus> GetRoutingStatusAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = _status;
        if (status is null)
        {
            return new ValueTask<BackendStatus>(ProbeAsync(cancellationToken));
        }

        if (now.UtcTicks >= Interlocked.Read(ref _statusExpiresTicks) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            _ = RefreshInBackgroundAsync();
        }

        return new ValueTask<BackendStatus>(status);
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await ProbeAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task<BackendStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.ProbeTimeout;
        var started = _time.GetTimestamp();
        using var probeCts = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, probeCts.Token);
        BackendStatus status;
        try
        {
            status = await Backend.GetStatusAsync(linked.Token).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            if (status.IsAvailable && status.Models.Count == 0 && (Capabilities & (BackendCapabilities.Chat | BackendCapabilities.Embeddings)) != 0)
            {
                try
                {
                    var models = await Backend.ListModelsAsync(linked.Token).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
                    status = status with { Models = models };
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The model list only refines selection; the backend answered its probe.
                    Log.ProbeFailed(_logger, Id, ex);
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            status = BackendStatus.Unavailable(Id, $"did not answer the probe within {timeout}", _time.GetElapsedTime(started), _time.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ProbeFailed(_logger, Id, ex);
            status = BackendStatus.Unavailable(Id, ex.Message, _time.GetElapsedTime(started), _time.GetUtcNow());
        }

        if (status.ProbeLatency == TimeSpan.Zero)
        {
            status = status with { ProbeLatency = _time.GetElapsedTime(started) };
        }

        var previous = _status?.IsAvailable;
        if (status.Models.Count > 0)
        {
            _models = status.Models.Select(m => m.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        _status = status;
        Interlocked.Exchange(ref _statusExpiresTicks, (_time.GetUtcNow() + _options.StatusCacheTtl).UtcTicks);
        if (previous != status.IsAvailable)
        {
            Log.AvailabilityChanged(_logger, Id, status.IsAvailable ? "available" : "unavailable", status.Reason);
            Changed?.Invoke(this, new BackendStatusChangedEventArgs(Id, status, CircuitState, previous));
        }

        return status;
    }

    // ---- clients ------------------------------------------------------------------------------------------------

    private IChatClient Chat => _chat ??= Backend.GetChatClient();

    private string ProviderName => _providerName ??= Chat.GetService<ChatClientMetadata>()?.ProviderName ?? Id;

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
            // The generator loads lazily and learns its dimensions on first use: ask it for one vector.
            var probe = await GenerateAsync(generator, ["LocalAI dimension probe"], null, false, cancellationToken).ConfigureAwait(false);
            _probedDimensions = dimensions = probe[0].Vector.Length;
        }

        return new EmbeddingModelIdentity(model, dimensions);
    }

    // ---- calls --------------------------------------------------------------------------------------------------

    /// <summary>Gets a chat response through the backend's resilience pipeline, tagged with the backend id.</summary>
    public async ValueTask<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, bool fallback, CancellationToken cancellationToken)
    {
        var chat = Chat;
        var requestModel = options?.ModelId;
        using var activity = StartActivity(LocalAITelemetry.ChatOperation, requestModel, fallback);
        var started = LocalAITelemetry.OperationDuration.Enabled ? _time.GetTimestamp() : 0;
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

            Succeeded(LocalAITelemetry.ChatOperation, activity, started, fallback, requestModel, response.ModelId, response.Usage);
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
        var activity = StartActivity(LocalAITelemetry.ChatOperation, requestModel, fallback);
        var started = LocalAITelemetry.OperationDuration.Enabled ? _time.GetTimestamp() : 0;
        var stream = new SlotStream(this, Chat, messages, options, fallback, activity, started, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(FirstUpdateKey, true);
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
        using var activity = StartActivity(LocalAITelemetry.EmbeddingsOperation, requestModel, fallback);
        var started = LocalAITelemetry.OperationDuration.Enabled ? _time.GetTimestamp() : 0;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var result = await _pipeline.ExecuteAsync(
                static (ctx, s) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(s.generator.GenerateAsync(s.values, s.options, ctx.CancellationToken)),
                context,
                (generator, values, options)).ConfigureAwait(false);

            result.AdditionalProperties ??= [];
            result.AdditionalProperties[LocalAITelemetry.BackendTag] = Id;
            Succeeded(LocalAITelemetry.EmbeddingsOperation, activity, started, fallback, requestModel, result.Count > 0 ? result[0].ModelId : null, result.Usage);
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

    // ---- telemetry ----------------------------------------------------------------------------------------------

    internal Activity? StartActivity(string operation, string? requestModel, bool fallback)
    {
        var source = LocalAITelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var activity = source.StartActivity(operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.DisplayName = requestModel is null ? operation : $"{operation} {requestModel}";
            activity.SetTag(LocalAITelemetry.OperationNameTag, operation)
                .SetTag(LocalAITelemetry.ProviderNameTag, operation == LocalAITelemetry.ChatOperation ? ProviderName : Id)
                .SetTag(LocalAITelemetry.BackendTag, Id)
                .SetTag(LocalAITelemetry.FallbackTag, fallback);
            if (requestModel is not null)
            {
                activity.SetTag(LocalAITelemetry.RequestModelTag, requestModel);
            }
        }

        return activity;
    }

    internal void Succeeded(string operation, Activity? activity, long started, bool fallback, string? requestModel, string? responseModel, UsageDetails? usage)
    {
        if (activity is not null)
        {
            if (responseModel is not null)
            {
                activity.SetTag(LocalAITelemetry.ResponseModelTag, responseModel);
            }

            if (usage?.InputTokenCount is { } input)
            {
                activity.SetTag(LocalAITelemetry.InputTokensTag, input);
            }

            if (usage?.OutputTokenCount is { } output)
            {
                activity.SetTag(LocalAITelemetry.OutputTokensTag, output);
            }
        }

        if (started != 0)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            LocalAITelemetry.OperationDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }

        if (usage is not null)
        {
            RecordTokens(operation, fallback, requestModel, responseModel, usage);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.Served(_logger, Id, operation);
        }
    }

    internal void RecordTokens(string operation, bool fallback, string? requestModel, string? responseModel, UsageDetails usage)
    {
        var histogram = LocalAITelemetry.TokenUsage;
        if (!histogram.Enabled)
        {
            return;
        }

        if (usage.InputTokenCount is { } input)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            tags.Add(LocalAITelemetry.TokenTypeTag, "input");
            histogram.Record(input, tags);
        }

        if (usage.OutputTokenCount is { } output)
        {
            var tags = Tags(operation, fallback, requestModel, responseModel);
            tags.Add(LocalAITelemetry.TokenTypeTag, "output");
            histogram.Record(output, tags);
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
        var errorType = cancelled ? "cancelled" : exception.GetType().FullName;
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message).SetTag(LocalAITelemetry.ErrorTypeTag, errorType);
        if (started != 0)
        {
            var tags = Tags(operation, fallback, requestModel, null);
            tags.Add(LocalAITelemetry.ErrorTypeTag, errorType);
            LocalAITelemetry.OperationDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        }

        if (cancelled)
        {
            return false;
        }

        if (FallbackPolicy.ShouldFallBack(exception))
        {
            // Look again soon rather than trusting a cached "available".
            Interlocked.Exchange(ref _statusExpiresTicks, 0);
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

    private TagList Tags(string operation, bool fallback, string? requestModel, string? responseModel)
    {
        var tags = new TagList
        {
            { LocalAITelemetry.OperationNameTag, operation },
            { LocalAITelemetry.ProviderNameTag, operation == LocalAITelemetry.ChatOperation ? ProviderName : Id },
            { LocalAITelemetry.BackendTag, Id },
            { LocalAITelemetry.FallbackTag, fallback },
        };
        if (requestModel is not null)
        {
            tags.Add(LocalAITelemetry.RequestModelTag, requestModel);
        }

        if (responseModel is not null)
        {
            tags.Add(LocalAITelemetry.ResponseModelTag, responseModel);
        }

        return tags;
    }

    // ---- resilience ---------------------------------------------------------------------------------------------

    private ResiliencePipeline BuildPipeline(BackendResilienceOptions options)
    {
        var builder = new ResiliencePipelineBuilder { Name = "localai-" + Id, TimeProvider = _time };
        if (options.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } ex && ex is not BrokenCircuitException && FallbackPolicy.ShouldFallBack(ex, args.Context.CancellationToken)),
                MaxRetryAttempts = options.RetryCount,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
            });
        }

        var attemptTimeout = options.AttemptTimeout;
        var firstUpdateTimeout = options.FirstUpdateTimeout;
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } ex && FallbackPolicy.ShouldFallBack(ex, args.Context.CancellationToken)),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, (_time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    OnCircuitChanged(BackendCircuitState.Open, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    OnCircuitChanged(BackendCircuitState.HalfOpen, null);
                    return default;
                },
                OnClosed = _ =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, 0);
                    OnCircuitChanged(BackendCircuitState.Closed, null);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => new ValueTask<TimeSpan>(
                    args.Context.Properties.GetValue(FirstUpdateKey, false) ? firstUpdateTimeout : attemptTimeout),
            })
            .Build();
    }

    private void OnCircuitChanged(BackendCircuitState state, TimeSpan? breakDuration)
    {
        LocalAITelemetry.CircuitTransitions.Add(1, new(LocalAITelemetry.BackendTag, Id), new(LocalAITelemetry.CircuitStateTag, state.ToString()));
        if (breakDuration is { } duration)
        {
            Log.CircuitOpened(_logger, Id, duration);
        }
        else
        {
            Log.CircuitChanged(_logger, Id, state.ToString());
        }

        Changed?.Invoke(this, new BackendStatusChangedEventArgs(Id, _status, state, _status?.IsAvailable));
    }
}
