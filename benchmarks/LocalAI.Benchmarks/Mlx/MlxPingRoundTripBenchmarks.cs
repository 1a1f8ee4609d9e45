using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using LocalAI.Mlx;
using LocalAI.Testing.Mlx;

namespace LocalAI.Benchmarks.Mlx;

/// <summary>What does the C# client add to a sidecar round trip over writing and reading the pipe by hand?</summary>
[MemoryDiagnoser]
public class MlxPingRoundTripBenchmarks
{
    private Process _bare = null!;
    private Stream _bareIn = null!;
    private StreamReader _bareOut = null!;
    private MlxBackend _backend = null!;
    private long _id;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var startInfo = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-u", MlxTestEngine.ServerScript, "--engine-path", MlxTestEngine.Directory, "--engine", MlxTestEngine.Deterministic })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _bare = Process.Start(startInfo)!;
        _bare.ErrorDataReceived += (_, _) => { };
        _bare.BeginErrorReadLine();
        _bareIn = _bare.StandardInput.BaseStream;
        _bareOut = new StreamReader(_bare.StandardOutput.BaseStream, Encoding.UTF8);
        await _bareOut.ReadLineAsync(); // ready

        _backend = new MlxBackend(MlxBackend.DefaultId, MlxBenchmarkSidecar.Options(MlxEmbeddingEncoding.Base64, 384));
        await _backend.Sidecar.SendAsync("ping", null, null, CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bare.StandardInput.Close();
        await _bare.WaitForExitAsync();
        _bare.Dispose();
        await _backend.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare pipe: write line, read line")]
    public async Task<string?> BarePipe()
    {
        var line = Encoding.UTF8.GetBytes($"{{\"id\":{++_id},\"command\":\"ping\"}}\n");
        await _bareIn.WriteAsync(line);
        await _bareIn.FlushAsync();
        return await _bareOut.ReadLineAsync();
    }

    [Benchmark(Description = "process layer only")]
    public async Task<string?> ProcessLayer()
    {
        var process = _backend.Sidecar.Current!;
        var id = 1_000_000 + ++_id;
        var pending = process.Register(id);
        await process.WriteLineAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"id\":{id},\"command\":\"ping\"}}\n"), CancellationToken.None);
        await pending.Lines.WaitToReadAsync();
        pending.Lines.TryRead(out var m);
        return m!.Message;
    }

    [Benchmark(Description = "C# client: SendAsync(ping)")]
    public async Task<string?> Client() => (await _backend.Sidecar.SendAsync("ping", null, null, CancellationToken.None)).Message;
}
