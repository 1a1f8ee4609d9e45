using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Ollama;

/// <summary>Owns one <c>ollama serve</c> child process: finds or installs the binary, starts it on a loopback port, waits until it answers, forwards its output to the log, restarts it with backoff when it dies, and stops it (terminate, then kill) on dispose.</summary>
public sealed class OllamaServerProcess : IAsyncDisposable
{
    private const int LogTail = 30;

    private readonly OllamaEmbeddedBackendOptions _options;
    private readonly string _configurationKey;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly Queue<string> _lastLines = new();
    private readonly Lock _linesGate = new();
    private CancellationTokenSource _stopping = new();
    private Process? _process;
    private string? _binary;
    private bool _adopted;
    private int _restarts;
    private int _disposed;
    private Task? _restartTask;

    /// <summary>Initializes a new instance of the <see cref="OllamaServerProcess"/> class; nothing starts until <see cref="StartAsync"/>.</summary>
    /// <param name="options">The settings; validated here. Error messages name their keys under <c>LocalAI:ollama-embedded</c>.</param>
    /// <param name="logger">Receives the server's output and life events; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for deadlines and backoff; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public OllamaServerProcess(OllamaEmbeddedBackendOptions options, ILogger<OllamaServerProcess>? logger = null, TimeProvider? timeProvider = null)
        : this(OllamaEmbeddedBackend.DefaultId, options, logger, timeProvider)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="OllamaServerProcess"/> class for the embedded backend <paramref name="backendId"/>, whose id its messages name.</summary>
    internal OllamaServerProcess(string backendId, OllamaEmbeddedBackendOptions options, ILogger? logger, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        OllamaEmbeddedBackendOptionsValidator.ThrowIfInvalid(backendId, options);
        _options = options;
        _configurationKey = $"LocalAI:{backendId}";
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        Port = options.Port != 0 ? options.Port : FindFreePort();
        Endpoint = new Uri($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>Occurs when the server starts, answers, dies, restarts or stops.</summary>
    public event EventHandler<OllamaServerStateChangedEventArgs>? StateChanged;

    /// <summary>Gets the loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the server's address (always 127.0.0.1).</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the current state.</summary>
    public OllamaServerState State { get; private set; } = OllamaServerState.NotStarted;

    /// <summary>Gets the id of the running server process; <see langword="null"/> when none runs or an existing server was adopted.</summary>
    public int? ProcessId
    {
        get
        {
            var process = _process;
            try
            {
                return process is { HasExited: false } ? process.Id : null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }
    }

    /// <summary>Gets a value indicating whether an already running server was adopted instead of starting one.</summary>
    public bool IsAdopted => _adopted;

    /// <summary>Gets the binary in use, once located or installed.</summary>
    public string? BinaryPath => _binary;

    /// <summary>Gets the last lines the server wrote, for error messages.</summary>
    /// <returns>Up to 30 lines, oldest first.</returns>
    public IReadOnlyList<string> GetRecentOutput()
    {
        lock (_linesGate)
        {
            return [.. _lastLines];
        }
    }

    /// <summary>Starts the server unless it runs already, and waits until it answers.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling stops the process being started.</param>
    /// <returns>A task that completes when the server answers.</returns>
    /// <exception cref="BackendUnavailableException">No binary was found or installed, the process exited at once, or it did not answer within <see cref="OllamaEmbeddedBackendOptions.StartupTimeout"/>; the message carries its last output.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (State == OllamaServerState.Running && (_adopted || ProcessId is not null))
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (State == OllamaServerState.Running && (_adopted || ProcessId is not null))
            {
                return;
            }

            if (_restartTask is { IsCompleted: false } pending)
            {
                // A restart is under way; wait for it rather than starting a second process.
                _startGate.Release();
                try
                {
                    await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await _startGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                }

                if (State == OllamaServerState.Running)
                {
                    return;
                }
            }

            if (_stopping.IsCancellationRequested)
            {
                // Started again after a stop: crashes are restarted again.
                _stopping.Dispose();
                _stopping = new CancellationTokenSource();
            }

            await StartCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Stops the server: terminate signal first, then a kill of its process tree after <see cref="OllamaEmbeddedBackendOptions.StopGracePeriod"/>. An adopted server is left running.</summary>
    /// <param name="cancellationToken">The token to monitor for cancellation requests; cancelling kills at once.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var process = _process;
        if (process is not null)
        {
            await StopProcessAsync(process, cancellationToken).ConfigureAwait(false);
        }

        SetState(OllamaServerState.Stopped, process, process is { HasExited: true } ? process.ExitCode : null);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= OnHostExit;
        await StopAsync().ConfigureAwait(false);
        if (_restartTask is { } restart)
        {
            await restart.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _process?.Dispose();
        _stopping.Dispose();
        _startGate.Dispose();
    }

    internal static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        if (_options.Port != 0 && _options.AdoptExisting && _process is null && await AnswersAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false))
        {
            _adopted = true;
            Log.ServerAdopted(_logger, Endpoint);
            SetState(OllamaServerState.Running, null, null);
            return;
        }

        _binary ??= await OllamaInstaller.FindOrInstallAsync(_options, _configurationKey, _logger, cancellationToken).ConfigureAwait(false);
        var process = Launch(_binary);
        SetState(OllamaServerState.Starting, process, null);
        try
        {
            await WaitUntilReadyAsync(process, started, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A caller that gives up on the start must not leave a half-started server behind.
            await StopProcessAsync(process, CancellationToken.None).ConfigureAwait(false);
            SetState(OllamaServerState.Stopped, process, process.HasExited ? process.ExitCode : null);
            throw;
        }

        Interlocked.Exchange(ref _restarts, 0);
        SetState(OllamaServerState.Running, process, null);
    }

    private Process Launch(string binary)
    {
        var info = OllamaServeCommand.Create(binary, Port, _options);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => OnOutput(e.Data);
        process.Exited += (_, _) => OnExited(process);
        lock (_linesGate)
        {
            _lastLines.Clear();
        }

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        AppDomain.CurrentDomain.ProcessExit -= OnHostExit;
        AppDomain.CurrentDomain.ProcessExit += OnHostExit;
        Log.ServerStarted(_logger, binary, process.Id, Endpoint);
        return process;
    }

    private async Task WaitUntilReadyAsync(Process process, long started, CancellationToken cancellationToken)
    {
        var deadline = _options.StartupTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw new BackendUnavailableException(
                    $"'{_binary} serve' exited with code {process.ExitCode} before it answered on {Endpoint}.{FormatTail()}");
            }

            if (await AnswersAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false))
            {
                Log.ServerReady(_logger, Endpoint, _timeProvider.GetElapsedTime(started));
                return;
            }

            if (_timeProvider.GetElapsedTime(started) > deadline)
            {
                await StopProcessAsync(process, CancellationToken.None).ConfigureAwait(false);
                throw new BackendUnavailableException(
                    $"'{_binary} serve' did not answer on {Endpoint} within {deadline}; it was stopped. Raise {_configurationKey}:StartupTimeout if the machine is slow.{FormatTail()}");
            }

            var exited = process.WaitForExitAsync(cancellationToken);
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(50), _timeProvider, cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task<bool> AnswersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout }) { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(new Uri(Endpoint, "api/version"), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_linesGate)
        {
            if (_lastLines.Count == LogTail)
            {
                _lastLines.Dequeue();
            }

            _lastLines.Enqueue(line);
        }

        Log.ServerOutput(_logger, line);
    }

    private void OnExited(Process process)
    {
        if (_stopping.IsCancellationRequested || !ReferenceEquals(process, _process) || State != OllamaServerState.Running)
        {
            return;
        }

        var attempt = Interlocked.Increment(ref _restarts);
        var exitCode = process.ExitCode;
        if (attempt > _options.MaxRestarts)
        {
            SetState(OllamaServerState.Failed, process, exitCode);
            return;
        }

        var delay = TimeSpan.FromTicks(Math.Min(_options.MaxRestartDelay.Ticks, _options.RestartDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
        Log.ServerCrashed(_logger, process.Id, exitCode, delay, attempt);
        SetState(OllamaServerState.Restarting, process, exitCode, attempt);
        _restartTask = RestartAsync(delay);
    }

    private async Task RestartAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
            await _startGate.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                await StartCoreAsync(_stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                _startGate.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped during the backoff.
        }
        catch (Exception ex) when (ex is LocalAIException or IOException or System.ComponentModel.Win32Exception)
        {
            Log.RestartFailed(_logger, ex);
            SetState(OllamaServerState.Failed, _process, _process is { HasExited: true } p ? p.ExitCode : null);
        }
    }

    private async Task StopProcessAsync(Process process, CancellationToken cancellationToken)
    {
        int id;
        try
        {
            if (process.HasExited)
            {
                return;
            }

            id = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        Log.ServerStopping(_logger, id);
        if (NativeSignals.TryTerminate(id))
        {
            using var grace = new CancellationTokenSource(_options.StopGracePeriod, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(grace.Token, cancellationToken);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                Log.ServerKilled(_logger, id, _options.StopGracePeriod);
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in between.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void OnHostExit(object? sender, EventArgs e)
    {
        // The host is going away without disposing us: never leave the server behind.
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private string FormatTail()
    {
        var lines = GetRecentOutput();
        return lines.Count == 0 ? " It wrote nothing." : " Its last output:" + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }

    private void SetState(OllamaServerState state, Process? process, int? exitCode, int attempt = 0)
    {
        State = state;
        int? id = null;
        try
        {
            id = process?.Id;
        }
        catch (InvalidOperationException)
        {
        }

        StateChanged?.Invoke(this, new OllamaServerStateChangedEventArgs(state, id, exitCode, attempt));
    }
}
