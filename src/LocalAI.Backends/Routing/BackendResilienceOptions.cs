namespace LocalAI;

/// <summary>Per-backend resilience: timeouts, an optional retry and a circuit breaker (Polly.Core), bound from <c>LocalAI:Resilience</c>.</summary>
public sealed class BackendResilienceOptions
{
    /// <summary>Gets or sets how long a non-streaming request (a whole chat response, an embedding batch) may take on one backend.</summary>
    /// <value>The default value is 120 seconds, which fits generation on local models.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets how long a streaming request may wait for its first update before the backend is abandoned and the next one tried; once updates flow there is no overall limit.</summary>
    /// <value>The default value is 60 seconds, which leaves room for a model to load.</value>
    public TimeSpan FirstUpdateTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how many times a transient failure is retried on the same backend before falling back.</summary>
    /// <value>The default value is 0: fall back at once.</value>
    public int RetryCount { get; set; }

    /// <summary>Gets or sets the delay before the first retry (doubled for each later one).</summary>
    /// <value>The default value is 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the share of failed requests, within <see cref="SamplingDuration"/>, that opens a backend's circuit.</summary>
    /// <value>The default value is 0.5: half of the sampled requests failed (a backend that fails every other request is taken out).</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the number of requests within <see cref="SamplingDuration"/> before the circuit can open.</summary>
    /// <value>The default value is 3.</value>
    public int MinimumThroughput { get; set; } = 3;

    /// <summary>Gets or sets the window over which failures are counted.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an open circuit keeps a backend out of rotation before one trial request.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
