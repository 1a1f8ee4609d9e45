namespace LocalAI;

/// <summary>The circuit-breaker state of one backend.</summary>
public enum BackendCircuitState
{
    /// <summary>Requests flow.</summary>
    Closed,

    /// <summary>Repeated failures opened the circuit: the backend is skipped until its break ends.</summary>
    Open,

    /// <summary>The break ended: the next request is a trial that closes or re-opens the circuit.</summary>
    HalfOpen,

    /// <summary>The circuit was opened by hand and stays open.</summary>
    Isolated,
}
