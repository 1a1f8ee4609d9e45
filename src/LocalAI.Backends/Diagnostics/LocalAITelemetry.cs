using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LocalAI;

/// <summary>The names under which LocalAI.Backends reports traces and metrics.</summary>
public static class LocalAITelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>: <c>LocalAI</c>.</summary>
    public const string SourceName = "LocalAI";

    /// <summary>The tag (and <c>AdditionalProperties</c> key) that names the backend that served a request: <c>localai.backend</c>.</summary>
    public const string BackendTag = "localai.backend";

    internal static readonly ActivitySource ActivitySource = new(SourceName);

    internal static readonly Meter Meter = new(SourceName);

    internal static readonly Counter<long> Requests = Meter.CreateCounter<long>(
        "localai.requests", unit: "{request}", description: "Requests served or failed, per backend and operation.");

    internal static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>(
        "localai.fallbacks", unit: "{fallback}", description: "Times a request moved on from a failed backend.");

    internal static readonly Counter<long> CircuitTransitions = Meter.CreateCounter<long>(
        "localai.circuit.transitions", unit: "{transition}", description: "Circuit-breaker state changes, per backend and new state.");

    internal static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "localai.tokens", unit: "{token}", description: "Tokens counted by backends, per backend and direction (input or output).");
}
