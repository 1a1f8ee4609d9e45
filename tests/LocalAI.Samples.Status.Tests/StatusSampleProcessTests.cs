using System.Diagnostics;
using LocalAI.Ollama.TestServer;

namespace LocalAI.Samples.Status.Tests;

/// <summary>The status sample run as a real process against the Ollama protocol test server: <c>models</c>, <c>pull</c> and <c>rm</c>.</summary>
public sealed class StatusSampleProcessTests : IAsyncLifetime
{
    private OllamaTestServer _server = null!;

    public async Task InitializeAsync() => _server = await OllamaTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Models_lists_installed_models_and_catalog_models_that_are_not_installed()
    {
        var (code, output) = await RunAsync("models");

        Assert.Equal(0, code);
        Assert.Matches(@"ollama\s+│\s+llama3\.2:latest\s+│\s+yes\s+│\s+1\.9 GB\s+│\s+Q4_K_M", output);
        Assert.Matches(@"ollama\s+│\s+qwen2\.5:0\.5b\s+│\s+no\s+│.*│\s+32768\s+│\s+-\s+│\s+fast opinions", output);
        Assert.Matches(@"all-minilm:l6-v2\s+│\s+no\s+│.*│\s+384\s+│\s+embeddings", output);
    }

    [Fact]
    public async Task The_status_table_names_installed_models_only()
    {
        var (code, output) = await RunAsync();

        Assert.Equal(0, code);
        Assert.Contains("ollama: llama3.2:latest", output, StringComparison.Ordinal);
        Assert.DoesNotContain("qwen2.5:0.5b", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_installs_the_model_and_rm_deletes_it_then_says_it_is_not_found()
    {
        var (pulled, pullOutput) = await RunAsync("pull", "ollama", "tinyllama:1.1b");
        Assert.Equal(0, pulled);
        Assert.Contains("Pulled tinyllama:1.1b into ollama.", pullOutput, StringComparison.Ordinal);
        Assert.True(_server.Installed.ContainsKey("tinyllama:1.1b"));

        var (removed, removeOutput) = await RunAsync("rm", "ollama", "tinyllama:1.1b");
        Assert.Equal(0, removed);
        Assert.Contains("Deleted tinyllama:1.1b from ollama.", removeOutput, StringComparison.Ordinal);
        Assert.False(_server.Installed.ContainsKey("tinyllama:1.1b"));

        var (again, againOutput) = await RunAsync("rm", "ollama", "tinyllama:1.1b");
        Assert.Equal(1, again);
        Assert.Contains("Not found:", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_of_an_unknown_model_or_backend_fails_with_the_reason()
    {
        var (unknownModel, modelOutput) = await RunAsync("pull", "ollama", "no-such-model");
        var (unknownBackend, backendOutput) = await RunAsync("pull", "gguf", "tinyllama");

        Assert.Equal(1, unknownModel);
        Assert.Contains("Pull of no-such-model failed:", modelOutput, StringComparison.Ordinal);
        Assert.Equal(2, unknownBackend);
        Assert.Contains("No backend gguf is configured", backendOutput, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] command)
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = baseDir.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var sample = Path.Combine(root, "samples", "LocalAI.Samples.Status", "bin", baseDir.Parent!.Name, baseDir.Name, "LocalAI.Samples.Status.dll");
        Assert.True(File.Exists(sample), $"{sample} was not built");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[sample, .. command, "--backends", "ollama", "--ollama", _server.Uri.ToString()])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
