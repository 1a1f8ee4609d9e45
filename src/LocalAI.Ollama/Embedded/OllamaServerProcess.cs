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
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

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
    private string? _failure;
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
    /// <exception cref="BackendUnavailableException">No binary was found or installed, the process exited at once, it did not answer within <see cref="OllamaEmbeddedBackendOptions.StartupTimeout"/>, a server that is not Ollama holds the configured port, or the server was left down after <see cref="OllamaEmbeddedBackendOptions.MaxRestarts"/>; the message carries its last output.</exception>
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

            if (State == OllamaServerState.Failed && _failure is { } failure)
            {
                // Left down after MaxRestarts: say why rather than start the same failure again.
                throw new BackendUnavailableException(failure);
            }

            if (_stopping.IsCancellationRequested)
            {
                // Started again after a stop: crashes are restarted again.
                _stopping.Dispose();
                _stopping = new CancellationTokenSource();
            }

            try
            {
                await StartCoreAsync(restart: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LocalAIException)
            {
                SetState(OllamaServerState.Failed, _process, _process is { HasExited: true } p ? p.ExitCode : null);
                throw;
            }
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
        _failure = null;
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

    private async Task StartCoreAsync(bool restart, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        if (_options.Port != 0 && _options.AdoptExisting && _process is null)
        {
            var (answer, reason) = await OllamaPortCheck.CheckAsync(Endpoint, ProbeTimeout, cancellationToken).ConfigureAwait(false);
            if (answer == OllamaPortCheck.Answer.Ollama)
            {
                _adopted = true;
                Log.ServerAdopted(_logger, Endpoint);
                SetState(OllamaServerState.Running, null, null);
                return;
            }

            if (answer == OllamaPortCheck.Answer.NotOllama)
            {
                throw new BackendUnavailableException(
                    $"Port {Port} is held by a server that is not Ollama ({reason}); it was not adopted and nothing was sent to it. Stop that server, or set {_configurationKey}:Port to another port (0 picks a free one).");
            }
        }

        _binary ??= await OllamaInstaller.FindOrInstallAsync(_options, _configurationKey, _logger, cancellationToken).ConfigureAwait(false);
        var process = Launch(_binary);
        SetState(OllamaServerState.Starting, process, null);
        bool verified;
        try
        {
            verified = await WaitUntilReadyAsync(process, started, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A caller that gives up on the start must not leave a half-started server behind.
            await StopProcessAsync(process, CancellationToken.None).ConfigureAwait(false);
            SetState(OllamaServerState.Stopped, process, process.HasExited ? process.ExitCode : null);
            throw;
        }

        if (verified || !restart)
        {
            // Crashes count "in a row" until a server proven to be ours answers (or a caller starts it again).
            Interlocked.Exchange(ref _restarts, 0);
        }

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

        ParentDeathGuard.Start(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        AppDomain.CurrentDomain.ProcessExit -= OnHostExit;
        AppDomain.CurrentDomain.ProcessExit += OnHostExit;
        Log.ServerStarted(_logger, binary, process.Id, Endpoint);
        return process;
    }

    /// <summary>Waits until the child itself answers as Ollama: it is alive, holds the listening socket (where that can be told) and the port answers Ollama's API.</summary>
    /// <returns><see langword="true"/> when the child was seen holding the socket; <see langword="false"/> where ownership cannot be told (not Linux).</returns>
    private async Task<bool> WaitUntilReadyAsync(Process process, long started, CancellationToken cancellationToken)
    {
        var deadline = _options.StartupTimeout;
        string? notReady = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw new BackendUnavailableException(
                    $"'{_binary} serve' exited with code {process.ExitCode} before it answered on port {Port} ({Endpoint}).{FormatTail()}");
            }

            var owns = ListeningSocketOwner.Owns(process.Id, Port);
            if (owns == false)
            {
                notReady = $" Port {Port} was not held by it (pid {process.Id}).";
            }
            else
            {
                var (answer, reason) = await OllamaPortCheck.CheckAsync(Endpoint, ProbeTimeout, cancellationToken).ConfigureAwait(false);
                if (answer == OllamaPortCheck.Answer.Ollama && !process.HasExited)
                {
                    Log.ServerReady(_logger, Endpoint, _timeProvider.GetElapsedTime(started));
                    return owns == true;
                }

                notReady = reason is null ? null : $" The port answered, but not as Ollama: {reason}.";
            }

            if (_timeProvider.GetElapsedTime(started) > deadline)
            {
                await StopProcessAsync(process, CancellationToken.None).ConfigureAwait(false);
                throw new BackendUnavailableException(
                    $"'{_binary} serve' did not answer on {Endpoint} within {deadline}; it was stopped.{notReady} Raise {_configurationKey}:StartupTimeout if the machine is slow.{FormatTail()}");
            }

            var exited = process.WaitForExitAsync(cancellationToken);
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(50), _timeProvider, cancellationToken)).ConfigureAwait(false);
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

        var exitCode = process.ExitCode;
        if (ScheduleRestart(process, exitCode, $"it exited with code {exitCode}.{FormatTail()}") is { } delay)
        {
            Log.ServerCrashed(_logger, process.Id, exitCode, delay, Volatile.Read(ref _restarts));
            _restartTask = RestartAsync(delay);
        }
    }

    /// <summary>Counts one more failure in a row: the backoff before the next restart, or <see langword="null"/> when <see cref="OllamaEmbeddedBackendOptions.MaxRestarts"/> is spent and the server is left down (<see cref="OllamaServerState.Failed"/>) with <paramref name="reason"/>.</summary>
    private TimeSpan? ScheduleRestart(Process? process, int? exitCode, string reason)
    {
        var attempt = Interlocked.Increment(ref _restarts);
        if (attempt > _options.MaxRestarts)
        {
            _failure = $"'{_binary} serve' on port {Port} was left down after {_options.MaxRestarts} restarts in a row ({_configurationKey}:MaxRestarts); the last time {reason}";
            SetState(OllamaServerState.Failed, process, exitCode);
            return null;
        }

        SetState(OllamaServerState.Restarting, process, exitCode, attempt);
        return TimeSpan.FromTicks(Math.Min(_options.MaxRestartDelay.Ticks, _options.RestartDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
    }

    /// <summary>Restarts after the backoff; a restart that does not come up counts as one more failure in a row and is tried again, until <see cref="OllamaEmbeddedBackendOptions.MaxRestarts"/>.</summary>
    private async Task RestartAsync(TimeSpan delay)
    {
        while (true)
        {
            try
            {
                await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
                await _startGate.WaitAsync(_stopping.Token).ConfigureAwait(false);
                try
                {
                    await StartCoreAsync(restart: true, _stopping.Token).ConfigureAwait(false);
                    return;
                }
                finally
                {
                    _startGate.Release();
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Stopped during the backoff or the start.
                return;
            }
            catch (Exception ex) when (ex is LocalAIException or IOException or System.ComponentModel.Win32Exception)
            {
                Log.RestartFailed(_logger, ex);
                var process = _process;
                int? exitCode = process is { HasExited: true } p ? p.ExitCode : null;
                if (ScheduleRestart(process, exitCode, ex.Message) is not { } next)
                {
                    return;
                }

                delay = next;
            }
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
