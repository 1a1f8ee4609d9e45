using LocalAI.Mlx;
using LocalAI.Testing.Mlx;

namespace LocalAI.Benchmarks.Mlx;

/// <summary>Options that run the real sidecar script with the deterministic test engine.</summary>
internal static class MlxBenchmarkSidecar
{
    public static string ScriptPath => MlxTestEngine.ServerScript;

    public static MlxBackendOptions Options(MlxEmbeddingEncoding encoding, int dimensions) => MlxTestEngine.Options(o =>
    {
        o.EmbeddingModel = $"bench-{dimensions}";
        o.EmbeddingDimensions = dimensions;
        o.EmbeddingEncoding = encoding;
    });
}
