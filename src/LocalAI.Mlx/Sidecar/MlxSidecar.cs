using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Mlx;

/// <summary>Owns the sidecar: starts it on first use, multiplexes requests by id over one process, restarts it (with backoff when it keeps dying) and stops it gracefully.</summary>
internal sealed class MlxSidecar : IAsyncDisposable
{
    private static readonly TimeSpan PythonProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly MlxBackendOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string, string?> _environment;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private SidecarProcess? _current;
    private PythonInstallation? _python;
    private long _nextId;
    private int _crashes;
    private int _starts;
    private int _disposed;

    public MlxSidecar(string backendId, MlxBackendOptions options, ILogger? logger = null, TimeProvider? timeProvider = null, Func<string, string?>? environment = null)
    {
        BackendId = backendId;
        ConfigurationKey = $"LocalAI:{backendId}";
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>Gets the id of the backend the sidecar serves, for exceptions.</summary>
    public string BackendId { get; }

    /// <summary>Gets the configuration section of the backend's options (<c>LocalAI:&lt;id&gt;</c>), for messages that name a setting.</summary>
    public string ConfigurationKey { get; }

    /// <summary>Gets the id of the running process, or <see langword="null"/> when none runs.</summary>
    public int? ProcessId => _current is { IsAlive: true } current ? current.Id : null;

    /// <summary>Gets the running (or last dead, not yet replaced) process.</summary>
    public SidecarProcess? Current => _current;

    /// <summary>Gets how many processes were started so far.</summary>
    public int StartCount => Volatile.Read(ref _starts);

    /// <summary>Gets how many times in a row the process died without a successful request in between.</summary>
    public int ConsecutiveCrashes => Volatile.Read(ref _crashes);

    /// <summary>Returns why the sidecar cannot run on this platform, or <see langword="null"/> when it can.</summary>
    public string? PlatformProblem()
    {
        if (_options.AllowNonApplePlatforms || (OperatingSystem.IsMacOS() && RuntimeInformation.OSArchitecture == Architecture.Arm64))
        {
            return null;
        }

        return $"MLX is not available: not macOS on Apple Silicon (this is {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.OSArchitecture}). " +
            $"To run the sidecar with engines that do not need MLX (sentence_transformers, a custom Engine), set {ConfigurationKey}:AllowNonApplePlatforms.";
    }

    /// <summary>Sends a request and returns its final line.</summary>
    public async Task<SidecarMessage> SendAsync(string command, Action<Utf8JsonWriter>? body, string? model, CancellationToken cancellationToken)
    {
        await foreach (var message in StreamAsync(command, body, model, cancellationToken).ConfigureAwait(false))
        {
            if (message.IsFinal)
            {
                return message;
            }
        }

        throw new BackendProtocolException($"The MLX sidecar ended the '{command}' request without a final line.") { BackendId = BackendId };
    }

    /// <summary>Sends a request and yields every line that answers it: events, then the successful final line; a failed final line is thrown as the matching exception.</summary>
    public async IAsyncEnumerable<SidecarMessage> StreamAsync(
        string command, Action<Utf8JsonWriter>? body, string? model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        using var timeout = _options.RequestTimeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var token = linked.Token;

        SidecarProcess process;
        try
        {
            process = await EnsureStartedAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(command);
        }

        var id = Interlocked.Increment(ref _nextId);
        var pending = process.Register(id);
        var finished = false;
        try
        {
            await process.WriteLineAsync(Serialize(id, command, body), token).ConfigureAwait(false);
            while (true)
            {
                var message = await NextAsync(pending, command, timeout, cancellationToken, token).ConfigureAwait(false);
                if (message.IsFinal)
                {
                    finished = true;
                    if (message.Success == true)
                    {
                        Volatile.Write(ref _crashes, 0);
                        yield return message;
                        yield break;
                    }

                    throw Translate(command, model, message.Error);
                }

                yield return message;
            }
        }
        finally
        {
            if (!finished && !pending.IsCompleted && pending.Failure is null)
            {
                // The caller stopped waiting (cancelled, timed out, or left the stream): stop the work on the server too.
                process.Unregister(id);
                _ = CancelRemoteAsync(process, id);
            }
        }
    }

    /// <summary>Starts the process unless one is running, waiting out the restart backoff and the ready line.</summary>
    public async Task<SidecarProcess> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_current is { IsAlive: true } running)
        {
            return running;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            if (_current is { IsAlive: true } current)
            {
                return current;
            }

            if (_current is { } dead)
            {
                _current = null;
                await dead.DisposeAsync().ConfigureAwait(false);
            }

            if (PlatformProblem() is { } problem)
            {
                throw new BackendUnavailableException(problem) { BackendId = BackendId };
            }

            var script = ScriptPath();
            _python ??= await PythonLocator.LocateAsync(BackendId, _options, _environment, AppContext.BaseDirectory, PythonProbeTimeout, cancellationToken).ConfigureAwait(false);

            var delay = BackoffFor(Volatile.Read(ref _crashes));
            if (delay > TimeSpan.Zero)
            {
                var wait = Task.Delay(delay, _timeProvider, cancellationToken);
                Log.RestartBackoff(_logger, Volatile.Read(ref _crashes), delay);
                await wait.ConfigureAwait(false);
            }

            var started = await StartAsync(_python, script, cancellationToken).ConfigureAwait(false);
            _current = started;
            return started;
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Returns the delay before the next start after <paramref name="crashes"/> deaths in a row: none for the first restart, then <see cref="MlxBackendOptions.RestartBackoff"/> doubling up to the maximum.</summary>
    public TimeSpan BackoffFor(int crashes)
    {
        if (crashes < 2 || _options.RestartBackoff <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(crashes - 2, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RestartBackoff.Ticks * factor, _options.MaxRestartBackoff.Ticks));
        return delay;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _startGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_current is { } current)
            {
                _current = null;
                await current.StopAsync(_options.ShutdownTimeout).ConfigureAwait(false);
                await current.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task<SidecarProcess> StartAsync(PythonInstallation python, string script, CancellationToken cancellationToken)
    {
        var startInfo = SidecarCommandLine.Create(python, script, _options);
        Log.Starting(_logger, python.Path, script);
        var startedAt = _timeProvider.GetTimestamp();
        SidecarProcess process;
        try
        {
            process = SidecarProcess.Start(startInfo, _logger, BackendId, OnUnexpectedExit);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _python = null;
            throw new BackendUnavailableException($"MLX is not available: cannot start Python '{python.Path}' ({ex.Message}). Set {ConfigurationKey}:PythonPath to a Python 3.10+ interpreter.", ex)
            {
                BackendId = BackendId,
            };
        }

        Interlocked.Increment(ref _starts);
        using var startTimeout = _options.StartupTimeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(_options.StartupTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, startTimeout.Token);
        try
        {
            var ready = await process.Ready.WaitAsync(linked.Token).ConfigureAwait(false);
            Log.Started(_logger, process.Id, (long)_timeProvider.GetElapsedTime(startedAt).TotalMilliseconds, ready.Engine);
            return process;
        }
        catch (Exception ex)
        {
            process.Kill();
            await process.DisposeAsync().ConfigureAwait(false);
            if (ex is OperationCanceledException && startTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                var tail = process.StderrTail();
                throw new BackendUnavailableException(
                    $"The MLX sidecar did not start within {_options.StartupTimeout} (no ready line); it was stopped. " +
                    $"Raise {ConfigurationKey}:StartupTimeout if the engine loads slowly." + (tail.Length == 0 ? string.Empty : $" Its last output: {tail}"))
                {
                    BackendId = BackendId,
                };
            }

            throw;
        }
    }

    private void OnUnexpectedExit(SidecarProcess process) => Interlocked.Increment(ref _crashes);

    private string ScriptPath()
    {
        var script = _options.ServerScriptPath ?? Path.Combine(AppContext.BaseDirectory, "mlx_server.py");
        if (!File.Exists(script))
        {
            throw new BackendUnavailableException(
                $"MLX is not available: the sidecar script '{script}' does not exist. The LocalAI.Mlx package copies mlx_server.py beside the app's binaries on build; rebuild, or set {ConfigurationKey}:ServerScriptPath.")
            {
                BackendId = BackendId,
            };
        }

        return Path.GetFullPath(script);
    }

    private async ValueTask<SidecarMessage> NextAsync(
        PendingRequest pending, string command, CancellationTokenSource timeout, CancellationToken callerToken, CancellationToken token)
    {
        try
        {
            while (await pending.Lines.WaitToReadAsync(token).ConfigureAwait(false))
            {
                if (pending.Lines.TryRead(out var message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !callerToken.IsCancellationRequested)
        {
            throw TimedOut(command);
        }

        throw pending.Failure ?? new BackendProtocolException($"The MLX sidecar ended the '{command}' request without a final line.") { BackendId = BackendId };
    }

    private TimeoutException TimedOut(string command) =>
        new($"The MLX sidecar did not finish the '{command}' request within the request timeout; it was cancelled. Raise {ConfigurationKey}:RequestTimeout for long generations.");

    private LocalAIException Translate(string command, string? model, SidecarError? error)
    {
        var code = error?.Code ?? "unknown";
        var text = error?.Message ?? "no message";
        return code switch
        {
            SidecarErrorCodes.ModelNotFound => new ModelNotFoundException(model ?? "(default)", BackendId, text),
            SidecarErrorCodes.ModuleMissing => new BackendUnavailableException($"MLX cannot serve '{command}': {text}") { BackendId = BackendId },
            SidecarErrorCodes.Cancelled => new BackendUnavailableException($"The MLX sidecar cancelled the '{command}' request: it is shutting down.") { BackendId = BackendId },
            _ => new BackendProtocolException($"The MLX sidecar failed the '{command}' request: {text} ({code}).") { BackendId = BackendId, ErrorCode = code },
        };
    }

    private static ReadOnlyMemory<byte> Serialize(long id, string command, Action<Utf8JsonWriter>? body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", id);
            writer.WriteString("command", command);
            body?.Invoke(writer);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
        return buffer.WrittenMemory;
    }

    private async Task CancelRemoteAsync(SidecarProcess process, long target)
    {
        if (!process.IsAlive)
        {
            return;
        }

        try
        {
            var line = Serialize(Interlocked.Increment(ref _nextId), "cancel", w => w.WriteNumber("target", target));
            await process.WriteLineAsync(line, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LocalAIException)
        {
            // The process died meanwhile; nothing is left to cancel.
        }
    }
}
