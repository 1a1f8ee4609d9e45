using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LocalAI;

/// <summary>The names under which LocalAI.Backends reports traces and metrics, on OpenTelemetry's GenAI semantic conventions.</summary>
/// <remarks>
/// Each backend attempt the router makes is an activity (span) of kind client named <c>{gen_ai.operation.name} {gen_ai.request.model}</c>
/// and one measurement of <c>gen_ai.client.operation.duration</c>; token counts go to <c>gen_ai.client.token.usage</c>. Both carry the
/// convention's <c>gen_ai.*</c> attributes plus <see cref="BackendTag"/> and <see cref="FallbackTag"/>. The router's own counters are
/// <c>localai.router.fallbacks</c> and <c>localai.router.circuit.transitions</c>.
/// </remarks>
public static class LocalAITelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>: <c>LocalAI</c>.</summary>
    public const string SourceName = "LocalAI";

    /// <summary>The attribute (and <c>AdditionalProperties</c> key) that names the backend that served a request: <c>localai.backend</c>.</summary>
    public const string BackendTag = "localai.backend";

    /// <summary>The attribute that says whether the attempt came after another backend failed for the same request: <c>localai.fallback</c>.</summary>
    public const string FallbackTag = "localai.fallback";

    /// <summary>The attribute that names a circuit's new state on <c>localai.router.circuit.transitions</c>: <c>localai.circuit.state</c>.</summary>
    public const string CircuitStateTag = "localai.circuit.state";

    internal const string ChatOperation = "chat";
    internal const string EmbeddingsOperation = "embeddings";
    internal const string OperationNameTag = "gen_ai.operation.name";
    internal const string ProviderNameTag = "gen_ai.provider.name";
    internal const string RequestModelTag = "gen_ai.request.model";
    internal const string ResponseModelTag = "gen_ai.response.model";
    internal const string TokenTypeTag = "gen_ai.token.type";
    internal const string InputTokensTag = "gen_ai.usage.input_tokens";
    internal const string OutputTokensTag = "gen_ai.usage.output_tokens";
    internal const string ErrorTypeTag = "error.type";

    internal static readonly ActivitySource ActivitySource = new(SourceName);

    internal static readonly Meter Meter = new(SourceName);

    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "gen_ai.client.operation.duration",
        unit: "s",
        description: "GenAI operation duration.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    internal static readonly Histogram<long> TokenUsage = Meter.CreateHistogram(
        "gen_ai.client.token.usage",
        unit: "{token}",
        description: "Measures number of input and output tokens used.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] });

    internal static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>(
        "localai.router.fallbacks", unit: "{fallback}", description: "Times the router moved a request on from a backend that failed before any output.");

    internal static readonly Counter<long> CircuitTransitions = Meter.CreateCounter<long>(
        "localai.router.circuit.transitions", unit: "{transition}", description: "Circuit-breaker state changes, per backend and new state.");
}
