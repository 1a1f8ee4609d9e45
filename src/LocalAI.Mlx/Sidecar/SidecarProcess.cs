using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace LocalAI.Mlx;

/// <summary>One running sidecar process: writes request lines to its stdin, routes its stdout lines to pending requests by id, logs its stderr, and fails every pending request the moment its output ends.</summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private const int MaxResponseLineBytes = 256 * 1024 * 1024;
    private const int StderrTailLines = 12;
    private static readonly byte[] ShutdownLine = "{\"command\":\"shutdown\"}\n"u8.ToArray();

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly ILogger _logger;
    private readonly string _backendId;
    private readonly Action<SidecarProcess> _onUnexpectedExit;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly TaskCompletionSource<SidecarMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _stderrTail = new();
    private readonly Task _stdoutTask;
    private readonly Task _stderrTask;
    private Exception? _failure;
    private int _stopping;

    private SidecarProcess(Process process, ILogger logger, string backendId, Action<SidecarProcess> onUnexpectedExit)
    {
        _process = process;
        _logger = logger;
        _backendId = backendId;
        _onUnexpectedExit = onUnexpectedExit;
        Id = process.Id;
        _stdin = process.StandardInput.BaseStream;
        _stderrTask = Task.Run(ReadStderrAsync);
        _stdoutTask = Task.Run(ReadStdoutAsync);
    }

    /// <summary>Gets the process id.</summary>
    public int Id { get; }

    /// <summary>Gets a value indicating whether the process still answers (its output has not ended).</summary>
    public bool IsAlive => Volatile.Read(ref _failure) is null;

    /// <summary>Gets the ready line, or the failure when the process died before it.</summary>
    public Task<SidecarMessage> Ready => _ready.Task;

    /// <summary>Gets a task that completes when the process's output has ended and in-flight requests have failed.</summary>
    public Task Exited => _exited.Task;

    /// <summary>Gets the exit code, once the process has exited and its output ended.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Gets the number of requests waiting for an answer.</summary>
    public int InFlight => _pending.Count;

    /// <summary>Starts the process.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The interpreter cannot be started.</exception>
    public static SidecarProcess Start(ProcessStartInfo startInfo, ILogger logger, string backendId, Action<SidecarProcess> onUnexpectedExit)
    {
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.StandardErrorEncoding = Encoding.UTF8;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new SidecarProcess(process, logger, backendId, onUnexpectedExit);
    }

    /// <summary>Registers a request id before its line is written.</summary>
    public PendingRequest Register(long id)
    {
        var pending = new PendingRequest();
        _pending[id] = pending;
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _pending.TryRemove(id, out _);
            throw failure;
        }

        return pending;
    }

    /// <summary>Forgets a request whose caller stopped waiting.</summary>
    public void Unregister(long id) => _pending.TryRemove(id, out _);

    /// <summary>Writes one whole line (ending in a newline) to the process's stdin.</summary>
    /// <exception cref="BackendUnavailableException">The process is gone.</exception>
    public async Task WriteLineAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw failure;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Never cancel half-way through a line: a partial line would corrupt the next request.
            await _stdin.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            await _stdin.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Volatile.Read(ref _failure) ?? Unavailable($"The MLX sidecar (pid {Id}) stopped reading requests ({ex.Message}); the next request starts it again.", ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Asks the process to shut down, waits up to <paramref name="timeout"/>, then kills it and its children.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        Interlocked.Exchange(ref _stopping, 1);
        if (IsAlive)
        {
            try
            {
                await WriteLineAsync(ShutdownLine, CancellationToken.None).ConfigureAwait(false);
                _stdin.Close();
            }
            catch (Exception ex) when (ex is LocalAIException or IOException or ObjectDisposedException)
            {
                // Already gone: nothing to ask.
            }
        }

        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Log.ShutdownForced(_logger, Id, timeout);
                Kill();
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(_stdoutTask, _stderrTask).ConfigureAwait(false);
        Log.Stopped(_logger, Id);
    }

    /// <summary>Kills the process and its children at once.</summary>
    public void Kill()
    {
        Interlocked.Exchange(ref _stopping, 1);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    /// <summary>Returns the last lines the process wrote to stderr.</summary>
    public string StderrTail()
    {
        lock (_stderrTail)
        {
            return string.Join(Environment.NewLine, _stderrTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await Task.WhenAll(_stdoutTask, _stderrTask).ConfigureAwait(false);
        _process.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        try
        {
            if (!await SidecarLineReader.ReadAllAsync(_process.StandardOutput.BaseStream, MaxResponseLineBytes, Dispatch).ConfigureAwait(false))
            {
                // A line beyond any answer's size: the process is broken, and its requests fail below.
                Kill();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }

        await OnOutputEndedAsync().ConfigureAwait(false);
    }

    private void Dispatch(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return;
        }

        SidecarMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(line, SidecarJsonContext.Default.SidecarMessage);
        }
        catch (JsonException ex)
        {
            Log.NonProtocolLine(_logger, Id, line.Length, ex.Message);
            return;
        }

        if (message is null)
        {
            return;
        }

        if (message.Id is { } id)
        {
            if (_pending.TryGetValue(id, out var pending))
            {
                if (message.IsFinal)
                {
                    _pending.TryRemove(id, out _);
                }

                pending.Deliver(message);
            }
        }
        else if (message.Event == "ready")
        {
            _ready.TrySetResult(message);
        }
        else if (message.Success == false)
        {
            Log.UnaddressedError(_logger, Id, message.Error?.Code, message.Error?.Message);
        }
    }

    private async Task OnOutputEndedAsync()
    {
        int? exitCode = null;
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(250)))
        {
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                exitCode = _process.ExitCode;
                ExitCode = exitCode;
            }
            catch (OperationCanceledException)
            {
                // Output closed but the process lingers: report without the code.
            }
        }

        // Let the stderr reader catch up so the message carries the last words of the process.
        await Task.WhenAny(_stderrTask, Task.Delay(100)).ConfigureAwait(false);
        var expected = Volatile.Read(ref _stopping) == 1;
        var tail = StderrTail();
        var failure = Unavailable(
            $"The MLX sidecar (pid {Id}) {(expected ? "was stopped" : "exited")}{(exitCode is { } code ? $" with code {code}" : string.Empty)}; " +
            (expected ? "the backend is shutting down." : "the next request starts it again.") +
            (tail.Length == 0 ? string.Empty : $" Its last output: {tail}"),
            null);
        Volatile.Write(ref _failure, failure);
        var inFlight = 0;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Fail(failure);
                inFlight++;
            }
        }

        _ready.TrySetException(failure);
        if (!expected)
        {
            Log.Exited(_logger, Id, exitCode, inFlight);
            _onUnexpectedExit(this);
        }

        _exited.TrySetResult();
    }

    private async Task ReadStderrAsync()
    {
        try
        {
            var reader = _process.StandardError;
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_stderrTail)
                {
                    if (_stderrTail.Count == StderrTailLines)
                    {
                        _stderrTail.Dequeue();
                    }

                    _stderrTail.Enqueue(line);
                }

                Log.Stderr(_logger, Id, line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
    }

    private BackendUnavailableException Unavailable(string message, Exception? inner) => new(message, inner) { BackendId = _backendId };
}
