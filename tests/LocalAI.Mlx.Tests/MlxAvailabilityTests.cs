using System.Runtime.InteropServices;
using LocalAI.Mlx.Tests.Support;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;

namespace LocalAI.Mlx.Tests;

/// <summary>Why the backend is unavailable, in words a user can act on.</summary>
public sealed class MlxAvailabilityTests(ITestOutputHelper output)
{
    private static bool IsAppleSilicon => OperatingSystem.IsMacOS() && RuntimeInformation.OSArchitecture == Architecture.Arm64;

    [Fact]
    public async Task Elsewhere_than_Apple_Silicon_it_says_so_and_starts_nothing()
    {
        if (IsAppleSilicon)
        {
            output.WriteLine("Not checked: this machine is macOS on Apple Silicon, where MLX is supported.");
            return;
        }

        await using var backend = new MlxBackend(MlxBackend.DefaultId, new MlxBackendOptions());
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.StartsWith("MLX is not available: not macOS on Apple Silicon", status.Reason);
        Assert.Contains("AllowNonApplePlatforms", status.Reason);
        var error = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));
        Assert.Equal(status.Reason, error.Message);
        Assert.Equal(0, backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Missing_python_is_reported_with_what_to_set()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.PythonPath = "/no/such/python3"));
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("no Python 3.10+ found", status.Reason);
        Assert.Contains("PythonPath", status.Reason);
    }

    [Fact]
    public async Task Python_older_than_3_10_is_reported_with_its_version()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.PythonPath = TestPaths.Fixture("old-python.sh")));
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("is Python 3.8.18", status.Reason);
        Assert.Contains("Install Python 3.10 or later", status.Reason);
    }

    [Fact]
    public async Task Missing_script_is_reported()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.ServerScriptPath = "/no/such/mlx_server.py"));
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("ServerScriptPath", status.Reason);
    }

    [Fact]
    public async Task Without_engine_modules_the_reason_and_the_error_name_the_pip_command()
    {
        if (PythonProcess.CanImport("sentence_transformers") || PythonProcess.CanImport("mlx_lm"))
        {
            output.WriteLine("Not checked: an engine module is importable here, so nothing is missing.");
            return;
        }

        await using var backend = new MlxBackend(MlxBackend.DefaultId, new MlxBackendOptions { AllowNonApplePlatforms = true });
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("no engine module is installed", status.Reason);
        Assert.Contains("-m pip install sentence-transformers", status.Reason);
        Assert.Contains("-m pip install mlx-lm", status.Reason);

        var error = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetEmbeddingGenerator().GenerateAsync(["x"]));
        Assert.Contains("pip install sentence-transformers", error.Message);
        var chatError = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("x"));
        Assert.Contains("pip install mlx-lm", chatError.Message);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new MlxBackend(MlxBackend.DefaultId, new MlxBackendOptions { Engine = "no-colon" }));
        Assert.Throws<ArgumentException>(() => new MlxBackend(MlxBackend.DefaultId, new MlxBackendOptions { MaxLoadedModels = 0 }));
        Assert.Throws<ArgumentException>(() => new MlxBackend(MlxBackend.DefaultId, new MlxBackendOptions { RequestTimeout = TimeSpan.Zero }));
        var error = Assert.Throws<ArgumentException>(() => new MlxBackend("mlx-small", new MlxBackendOptions { RestartBackoff = TimeSpan.FromMinutes(5) }));
        Assert.Contains("LocalAI:mlx-small:RestartBackoff", error.Message, StringComparison.Ordinal);
    }
}
