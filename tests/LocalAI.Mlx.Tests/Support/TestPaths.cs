namespace LocalAI.Mlx.Tests.Support;

/// <summary>Where the copied Python files are in the test output.</summary>
public static class TestPaths
{
    public static string Output => AppContext.BaseDirectory;

    public static string ServerScript => Path.Combine(Output, "mlx_server.py");

    public static string PythonTests => Path.Combine(Output, "python-tests");

    public static string Fixture(string name) => Path.Combine(Output, "Fixtures", name);

    /// <summary>Options that run the real script with the deterministic test engine on any platform.</summary>
    public static MlxBackendOptions DeterministicOptions(Action<MlxBackendOptions>? configure = null)
    {
        var options = new MlxBackendOptions
        {
            AllowNonApplePlatforms = true,
            Engine = "deterministic_engine:DeterministicEngine",
            ChatModel = "echo",
            EmbeddingModel = "test-embed-384",
            EmbeddingDimensions = 384,
            StartupTimeout = TimeSpan.FromSeconds(30),
            ShutdownTimeout = TimeSpan.FromSeconds(10),
        };
        options.EnginePaths.Add(PythonTests);
        configure?.Invoke(options);
        return options;
    }
}
