using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LocalAI.Testing.LlamaServer;

/// <summary>A real llama.cpp <c>llama-server</c> child process on a loopback port, ready once <c>/health</c> answers 200; stopped by its PID.</summary>
public sealed class LlamaServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LlamaServer(Process process, Uri root)
    {
        _process = process;
        Root = root;
    }

    /// <summary>Gets the path of the binary <c>scripts/setup.d/40-llama-server.sh</c> builds, linked into the clone's <c>.native/llama-server</c>.</summary>
    public static string BinaryPath { get; } = FindBinary();

    /// <summary>Gets why the server cannot run here, or <see langword="null"/> when the binary is present.</summary>
    public static string? Unavailable => File.Exists(BinaryPath)
        ? null
        : $"llama-server is not built at '{BinaryPath}': run scripts/setup.d/40-llama-server.sh (it builds it once into ~/.cache/localai/llama-server).";

    /// <summary>Gets the server's root address, for example <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Root { get; }

    /// <summary>Gets the API base address the backend is pointed at (<c>/v1</c>).</summary>
    public Uri ApiBase => new(Root, "v1");

    /// <summary>Gets the process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets what the server wrote so far (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts llama-server on a free loopback port with one model, on one thread, and waits until <c>/health</c> answers 200.</summary>
    /// <remarks>
    /// The server runs with <c>--no-jinja</c> (its built-in chat templates): in Jinja mode it builds JSON grammars that begin with the template's
    /// generation prompt, which the tiny models' vocabulary cannot spell, and every JSON request fails with "Failed to initialize samplers".
    /// </remarks>
    /// <param name="model">The GGUF file.</param>
    /// <param name="extraArguments">More arguments, for example <c>--embeddings</c> or <c>--api-key</c>.</param>
    /// <returns>The running server.</returns>
    public static async Task<LlamaServer> StartAsync(string model, params string[] extraArguments)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-m", model, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "-t", "1", "-tb", "1", "-c", "1024", "-np", "2", "--no-webui", "--seed", "42", "--no-jinja", .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new LlamaServer(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Exited += (_, _) => server._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync().ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (!_exited.Task.IsCompleted)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindBinary()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalAI.Backends.sln")))
            {
                return Path.Combine(dir.FullName, ".native", "llama-server", "llama-server");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "llama-server");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Polls <c>/health</c> (503 while the model loads, 200 when ready); fails at once if the process exits, and after a generous hang guard.</summary>
    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var limit = new CancellationTokenSource(StartLimit);
        while (true)
        {
            if (_exited.Task.IsCompleted)
            {
                throw new InvalidOperationException($"llama-server exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Root, "health"), limit.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                throw new TimeoutException($"llama-server did not answer /health within {StartLimit}:\n{Output}");
            }

            await Task.WhenAny(_exited.Task, Task.Delay(50, limit.Token)).ConfigureAwait(false);
        }
    }
}
