using LocalAI.Mlx;

namespace LocalAI.Benchmarks.Mlx;

/// <summary>Options that run the real sidecar script with the deterministic test engine.</summary>
internal static class MlxBenchmarkSidecar
{
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "mlx_server.py");

    public static string EnginePath => Path.Combine(AppContext.BaseDirectory, "python-tests");

    public const string Engine = "deterministic_engine:DeterministicEngine";

    public static MlxBackendOptions Options(MlxEmbeddingEncoding encoding, int dimensions)
    {
        var options = new MlxBackendOptions
        {
            AllowNonApplePlatforms = true,
            Engine = Engine,
            EmbeddingModel = $"bench-{dimensions}",
            EmbeddingDimensions = dimensions,
            EmbeddingEncoding = encoding,
        };
        options.EnginePaths.Add(EnginePath);
        return options;
    }
}
