using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LocalAI.Benchmarks.Rag;

/// <summary>Starts pglite-server (installed by scripts/setup.d/30-pglite.sh) on a free port of 127.0.0.1 and kills it by process id.</summary>
internal sealed class PgliteProcess : IDisposable
{
    private readonly Process _process;

    public PgliteProcess()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "LocalAI.Backends.sln")))
        {
            root = root.Parent;
        }

        var folder = Path.Combine(root?.FullName ?? throw new InvalidOperationException("repository root not found"), ".tools", "pglite");
        var server = Path.Combine(folder, "node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"{server} is missing; run scripts/setup.d/30-pglite.sh first.");
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { server, "--db=memory://", $"--port={port}", "--host=127.0.0.1", "--extensions=@electric-sql/pglite-pgvector:vector", "--max-connections=4" })
        {
            start.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("listening", StringComparison.OrdinalIgnoreCase) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("pglite-server exited"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        ready.Task.Wait(TimeSpan.FromSeconds(60));
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;Maximum Pool Size=3;Command Timeout=600";
    }

    public string ConnectionString { get; }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
