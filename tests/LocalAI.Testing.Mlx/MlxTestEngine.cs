using LocalAI.Mlx;

namespace LocalAI.Testing.Mlx;

/// <summary>The deterministic Python engines the real MLX sidecar runs with in tests and benchmarks, without MLX or a model.</summary>
/// <remarks>The engines are copied to <c>mlx-test-engines/</c> beside the binaries of every project that references this one.</remarks>
public static class MlxTestEngine
{
    /// <summary>The engine whose "echo", "count" and "hang" chat models and any-size embedding models answer deterministically.</summary>
    public const string Deterministic = "deterministic_engine:DeterministicEngine";

    /// <summary>The deterministic engine, printing to stdout as careless libraries do.</summary>
    public const string Noisy = "noisy_engine:NoisyEngine";

    /// <summary>Gets the folder that holds the engines, for <see cref="MlxBackendOptions.EnginePaths"/>.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "mlx-test-engines");

    /// <summary>Gets the sidecar script, which LocalAI.Mlx copies beside the binaries.</summary>
    public static string ServerScript => Path.Combine(AppContext.BaseDirectory, "mlx_server.py");

    /// <summary>Returns options that run the real sidecar script with the deterministic engine on any platform.</summary>
    /// <param name="configure">Changes the options; <see langword="null"/> for none.</param>
    /// <returns>The options: chat model "echo", embedding model "test-embed-384" of 384 dimensions.</returns>
    public static MlxBackendOptions Options(Action<MlxBackendOptions>? configure = null)
    {
        var options = new MlxBackendOptions
        {
            AllowNonApplePlatforms = true,
            Engine = Deterministic,
            ChatModel = "echo",
            EmbeddingModel = "test-embed-384",
            EmbeddingDimensions = 384,
            StartupTimeout = TimeSpan.FromSeconds(30),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        options.EnginePaths.Add(Directory);
        configure?.Invoke(options);
        return options;
    }
}
