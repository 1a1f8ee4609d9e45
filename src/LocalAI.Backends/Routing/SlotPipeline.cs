using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LocalAI;

/// <summary>Builds one backend's Polly.Core pipeline: optional retry, circuit breaker, and a timeout for the whole attempt or for a stream's first update.</summary>
internal static class SlotPipeline
{
    /// <summary>Set on a resilience context when the timeout is the time to the first streamed update.</summary>
    public static readonly ResiliencePropertyKey<bool> FirstUpdateKey = new("localai.first-update");

    /// <summary>Builds the pipeline; the circuit's state changes are reported to <paramref name="onCircuitChanged"/> with the break duration when it opens.</summary>
    public static ResiliencePipeline Build(
        string backendId, BackendResilienceOptions options, TimeProvider timeProvider, CircuitBreakerStateProvider circuit, Action<BackendCircuitState, TimeSpan?> onCircuitChanged)
    {
        var builder = new ResiliencePipelineBuilder { Name = "localai-" + backendId, TimeProvider = timeProvider };
        if (options.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => new ValueTask<bool>(
                    args.Outcome.Exception is { } ex && ex is not BrokenCircuitException && FallbackPolicy.IsBackendFault(ex, args.Context.CancellationToken)),
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
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is { } ex && FallbackPolicy.IsBackendFault(ex, args.Context.CancellationToken)),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = circuit,
                OnOpened = args =>
                {
                    onCircuitChanged(BackendCircuitState.Open, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    onCircuitChanged(BackendCircuitState.HalfOpen, null);
                    return default;
                },
                OnClosed = _ =>
                {
                    onCircuitChanged(BackendCircuitState.Closed, null);
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
}
