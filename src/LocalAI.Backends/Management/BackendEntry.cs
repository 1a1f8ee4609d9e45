using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LocalAI;

/// <summary>One registered backend with what the manager knows about it: its resilience pipeline, circuit, last status and models.</summary>
internal sealed class BackendEntry
{
    /// <summary>Set on a resilience context when the timeout is the time to the first streamed update.</summary>
    public static readonly ResiliencePropertyKey<bool> FirstUpdateKey = new("localai.first-update");

    private readonly BackendManager _manager;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private BackendChatClient? _chatClient;
    private BackendEmbeddingGenerator? _embeddingGenerator;
    private Exception? _embeddingGeneratorError;
    private HashSet<string> _models = new(StringComparer.OrdinalIgnoreCase);
    private long _openUntilTicks;
    private int _refreshing;

    public BackendEntry(BackendManager manager, ILocalBackend backend, int order, BackendResilienceOptions options, TimeProvider timeProvider)
    {
        _manager = manager;
        Backend = backend;
        Id = backend.Id;
        Order = order;
        Capabilities = backend.Capabilities;
        Pipeline = BuildPipeline(options, timeProvider);
    }

    public string Id { get; }

    public ILocalBackend Backend { get; }

    public int Order { get; }

    public BackendCapabilities Capabilities { get; }

    public ResiliencePipeline Pipeline { get; }

    public BackendStatus? Status { get; private set; }

    public DateTimeOffset StatusExpiresAt { get; set; }

    public BackendChatClient ChatClient => _chatClient ??= new BackendChatClient(this, Backend.GetChatClient());

    /// <summary>Gets the embedding generator, or <see langword="null"/> (with <see cref="EmbeddingGeneratorError"/>) when the backend could not create one.</summary>
    public BackendEmbeddingGenerator? EmbeddingGenerator
    {
        get
        {
            // A failed creation (a server down when its dimensions were looked up, a model not on disk yet) is
            // remembered for the reason it gives, and tried again on the next use.
            if (_embeddingGenerator is null)
            {
                try
                {
                    _embeddingGenerator = new BackendEmbeddingGenerator(this, Backend.GetEmbeddingGenerator());
                    _embeddingGeneratorError = null;
                }
                catch (Exception ex) when (ex is LocalAIException or NotSupportedException or IOException or HttpRequestException)
                {
                    _embeddingGeneratorError = ex;
                }
            }

            return _embeddingGenerator;
        }
    }

    public Exception? EmbeddingGeneratorError => _embeddingGeneratorError;

    public BackendCircuitState CircuitState => _circuit.CircuitState switch
    {
        Polly.CircuitBreaker.CircuitState.Open => BackendCircuitState.Open,
        Polly.CircuitBreaker.CircuitState.HalfOpen => BackendCircuitState.HalfOpen,
        Polly.CircuitBreaker.CircuitState.Isolated => BackendCircuitState.Isolated,
        _ => BackendCircuitState.Closed,
    };

    /// <summary>Gets when an open circuit lets a trial request through.</summary>
    public DateTimeOffset OpenUntil => new(Interlocked.Read(ref _openUntilTicks), TimeSpan.Zero);

    public bool HasModel(string model) => _models.Contains(model);

    /// <summary>Returns whether the circuit keeps this backend out of rotation at <paramref name="now"/>.</summary>
    public bool IsCoolingDown(DateTimeOffset now)
    {
        var state = _circuit.CircuitState;
        return state == Polly.CircuitBreaker.CircuitState.Isolated
            || (state == Polly.CircuitBreaker.CircuitState.Open && now < OpenUntil);
    }

    public bool TrySetStatus(BackendStatus status, DateTimeOffset expiresAt, out bool? previousAvailability)
    {
        previousAvailability = Status?.IsAvailable;
        Status = status;
        StatusExpiresAt = expiresAt;
        if (status.Models.Count > 0)
        {
            _models = status.Models.Select(m => m.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        return previousAvailability != status.IsAvailable;
    }

    public bool TryBeginRefresh() => Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0;

    public void EndRefresh() => Volatile.Write(ref _refreshing, 0);

    private ResiliencePipeline BuildPipeline(BackendResilienceOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { Name = "localai-" + Id, TimeProvider = timeProvider };
        var handled = new PredicateBuilder().Handle<Exception>(ex => TransientFailure.IsTransient(ex));
        if (options.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } ex && ex is not BrokenCircuitException && IsBackendFailure(ex, args.Context)),
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
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } ex && IsBackendFailure(ex, args.Context)),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _circuit,
                OnOpened = args =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, (timeProvider.GetUtcNow() + args.BreakDuration).UtcTicks);
                    _manager.OnCircuitChanged(this, BackendCircuitState.Open, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    _manager.OnCircuitChanged(this, BackendCircuitState.HalfOpen, null);
                    return default;
                },
                OnClosed = _ =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, 0);
                    _manager.OnCircuitChanged(this, BackendCircuitState.Closed, null);
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

    private static bool IsBackendFailure(Exception exception, ResilienceContext context) =>
        !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        && TransientFailure.IsTransient(exception);

    /// <summary>Turns a pipeline's own exceptions into the LocalAI family, and marks the backend for a fresh probe after a backend failure.</summary>
    public bool TryTranslate(Exception exception, Activity? activity, CancellationToken cancellationToken, [NotNullWhen(true)] out Exception? translated)
    {
        translated = null;
        if (cancellationToken.IsCancellationRequested && exception is OperationCanceledException)
        {
            return false;
        }

        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        LocalAITelemetry.Requests.Add(1, new(LocalAITelemetry.BackendTag, Id), new("outcome", "failure"));
        if (TransientFailure.IsTransient(exception))
        {
            // Look again soon rather than trusting a cached "available".
            StatusExpiresAt = DateTimeOffset.MinValue;
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

    public void RecordSuccess(string operation, UsageDetails? usage)
    {
        LocalAITelemetry.Requests.Add(1, new(LocalAITelemetry.BackendTag, Id), new("outcome", "success"));
        if (usage is not null)
        {
            RecordTokens(usage);
        }

        _manager.OnServed(this, operation);
    }

    public void RecordUsage(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                RecordTokens(usage.Details);
            }
        }
    }

    private void RecordTokens(UsageDetails usage)
    {
        if (usage.InputTokenCount is { } input)
        {
            LocalAITelemetry.Tokens.Add(input, new(LocalAITelemetry.BackendTag, Id), new("direction", "input"));
        }

        if (usage.OutputTokenCount is { } output)
        {
            LocalAITelemetry.Tokens.Add(output, new(LocalAITelemetry.BackendTag, Id), new("direction", "output"));
        }
    }

    internal static ChatResponseUpdate Annotate(ChatResponseUpdate update, AdditionalPropertiesDictionary properties)
    {
        if (update.AdditionalProperties is null)
        {
            update.AdditionalProperties = properties;
        }
        else
        {
            update.AdditionalProperties[LocalAITelemetry.BackendTag] = properties[LocalAITelemetry.BackendTag];
        }

        return update;
    }
}
