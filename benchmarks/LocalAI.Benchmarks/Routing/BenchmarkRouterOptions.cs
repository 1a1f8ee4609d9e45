namespace LocalAI.Benchmarks.Routing;

/// <summary>The router settings every benchmark over in-memory backends uses: no status re-probe and no circuit reset during a run.</summary>
internal static class BenchmarkRouterOptions
{
    /// <summary>Applies the settings to <paramref name="options"/>: the first two failures open a circuit for the rest of the run.</summary>
    public static void Apply(LocalAIOptions options)
    {
        options.StatusCacheTtl = TimeSpan.FromDays(1);
        options.Resilience.MinimumThroughput = 2;
        options.Resilience.BreakDuration = TimeSpan.FromDays(1);
        options.Resilience.SamplingDuration = TimeSpan.FromDays(1);
    }
}
