namespace LocalAI;

/// <summary>The circuit state of one endpoint of an <see cref="EndpointPool{TEndpoint}"/>.</summary>
public enum EndpointCircuitState
{
    /// <summary>The endpoint takes requests.</summary>
    Closed,

    /// <summary>The endpoint failed <see cref="EndpointPoolOptions.FailureThreshold"/> times in a row: it is chosen only when every other endpoint is open too, until its break ends.</summary>
    Open,

    /// <summary>The break ended: the endpoint takes requests again, and its next result closes or re-opens the circuit.</summary>
    HalfOpen,
}
