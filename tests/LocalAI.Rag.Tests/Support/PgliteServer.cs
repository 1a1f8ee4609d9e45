using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace LocalAI.Rag.Tests;

/// <summary>
/// A PostgreSQL with pgvector for the tests: PGlite served over the wire protocol by pglite-server
/// (installed by scripts/setup.d/30-pglite.sh into .tools/pglite), on a free port of 127.0.0.1,
/// stopped by its process id when the tests end.
/// </summary>
public sealed class PgliteServer : IAsyncLifetime
{
    private Process? _process;

    public string ConnectionString { get; private set; } = string.Empty;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var folder = Path.Combine(RepositoryPaths.Root, ".tools", "pglite");
        var server = Path.Combine(folder, "node_modules", "@electric-sql", "pglite-socket", "dist", "scripts", "server.js");
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"PGlite is not installed ({server} is missing); run scripts/setup.d/30-pglite.sh first.");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { server, "--db=memory://", $"--port={port}", "--host=127.0.0.1", "--extensions=@electric-sql/pglite-pgvector:vector", "--max-connections=4" })
        {
            start.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("listening", StringComparison.OrdinalIgnoreCase))
            {
                ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("pglite-server exited: " + string.Join('\n', output)));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));

        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;Maximum Pool Size=3;Timeout=15;Command Timeout=120";
        var builder = new NpgsqlDataSourceBuilder(ConnectionString);
        builder.UseVector();
        DataSource = builder.Build();
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null)
        {
            await DataSource.DisposeAsync();
        }

        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class PgliteCollection : ICollectionFixture<PgliteServer>
{
    public const string Name = "pglite";
}
