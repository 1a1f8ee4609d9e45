using LocalAI.Testing.Mlx;

namespace LocalAI.Mlx.Tests.Support;

/// <summary>Where the copied Python files are in the test output.</summary>
public static class TestPaths
{
    public static string Output => AppContext.BaseDirectory;

    public static string ServerScript => MlxTestEngine.ServerScript;

    public static string PythonTests => Path.Combine(Output, "python-tests");

    public static string Fixture(string name) => Path.Combine(Output, "Fixtures", name);

    /// <summary>Options that run the real script with the deterministic test engine on any platform.</summary>
    public static MlxBackendOptions DeterministicOptions(Action<MlxBackendOptions>? configure = null) => MlxTestEngine.Options(configure);
}
