namespace LocalAI;

/// <summary>Options of the backend manager and the fallback router, bound from the <c>LocalAI</c> configuration section.</summary>
public sealed class LocalAIOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "LocalAI";

    /// <summary>Gets or sets the backend ids in the order they are tried; backends not listed follow in registration order.</summary>
    /// <value>The default value is empty: registration order.</value>
    public IList<string> Priority { get; set; } = [];

    /// <summary>Gets or sets the backend tried first, ahead of <see cref="Priority"/>; <see cref="BackendManager.SwitchBackendAsync"/> changes it at run time.</summary>
    /// <value>The default value is <see langword="null"/>: none.</value>
    public string? PreferredBackend { get; set; }

    /// <summary>Gets or sets how long one availability probe may take before the backend counts as unavailable.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a probe result is reused before the backend is probed again (in the background).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan StatusCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the router waits for the earliest backend to leave its circuit-breaker cool-down when every backend is cooling down; zero fails at once.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan MaxWaitForRecovery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the embedding model the embedding router must serve; <see langword="null"/> pins the model of the first embedding backend in priority order.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? EmbeddingModel { get; set; }

    /// <summary>Gets or sets the per-backend resilience settings.</summary>
    public BackendResilienceOptions Resilience { get; set; } = new();
}
