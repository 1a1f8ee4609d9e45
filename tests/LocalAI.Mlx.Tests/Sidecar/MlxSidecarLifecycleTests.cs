using System.Diagnostics;
using LocalAI.Mlx.Tests.Support;
using LocalAI.Testing.Mlx;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Mlx.Tests.Sidecar;

/// <summary>Crashes, restarts, timeouts and start-up of the real sidecar process.</summary>
public sealed class MlxSidecarLifecycleTests
{
    [Fact]
    public async Task Kill_9_fails_in_flight_requests_at_once_and_the_next_request_restarts()
    {
        var logger = new TestLogger();
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(), logger);
        var hang = backend.GetChatClient("hang");

        var stream = hang.GetStreamingResponseAsync("wait").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("waiting ", stream.Current.Text);
        var whole = hang.GetResponseAsync("wait too");
        var next = stream.MoveNextAsync().AsTask();
        var pid = backend.Sidecar.ProcessId!.Value;
        await WaitUntilInFlightAsync(backend, 2);

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill();
        var streamError = await Assert.ThrowsAsync<BackendUnavailableException>(() => next);
        var wholeError = await Assert.ThrowsAsync<BackendUnavailableException>(() => whole);
        clock.Stop();
        await stream.DisposeAsync();

        // Detected from the process's end (the messages name its pid), not by a request timeout. The bound is
        // loose because test assemblies run in parallel on a small machine; on an idle one this is milliseconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"in-flight requests failed after {clock.Elapsed}");
        Assert.Contains($"pid {pid}", streamError.Message);
        Assert.Contains("next request starts it again", wholeError.Message);
        Assert.Equal("mlx", wholeError.BackendId);

        var response = await backend.GetChatClient().GetResponseAsync("back again");
        Assert.Equal("echo: back again", response.Text);
        Assert.Equal(2, backend.Sidecar.StartCount);
        Assert.NotEqual(pid, backend.Sidecar.ProcessId);
        Assert.Equal(0, backend.Sidecar.ConsecutiveCrashes);
    }

    [Fact]
    public async Task A_process_that_keeps_dying_is_restarted_after_a_growing_backoff()
    {
        var logger = new TestLogger();
        var time = new FakeTimeProvider();
        await using var backend = new MlxBackend(
            MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.RestartBackoff = TimeSpan.FromSeconds(10)), logger, time);
        var sidecar = backend.Sidecar;

        for (var crash = 1; crash <= 2; crash++)
        {
            var process = await sidecar.EnsureStartedAsync(CancellationToken.None);
            Process.GetProcessById(process.Id).Kill();
            await process.Exited;
            Assert.Equal(crash, sidecar.ConsecutiveCrashes);
        }

        var backoffLogged = logger.WaitForAsync((id, _) => id.Id == 4106);
        var restart = sidecar.EnsureStartedAsync(CancellationToken.None);
        await backoffLogged.WaitAsync(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(restart.IsCompleted);
        Assert.Equal(2, sidecar.StartCount);
        time.Advance(TimeSpan.FromSeconds(1));
        await restart.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, sidecar.StartCount);

        Assert.Equal("echo: ok", (await backend.GetChatClient().GetResponseAsync("ok")).Text);
        Assert.Equal(0, sidecar.ConsecutiveCrashes);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    [InlineData(40, 30)]
    public void Backoff_doubles_from_the_second_crash_up_to_the_maximum(int crashes, int seconds)
    {
        var sidecar = new MlxSidecar(MlxBackend.DefaultId, new MlxBackendOptions());
        Assert.Equal(TimeSpan.FromSeconds(seconds), sidecar.BackoffFor(crashes));
    }

    [Fact]
    public async Task Request_timeout_cancels_the_request_with_TimeoutException()
    {
        var time = new FakeTimeProvider();
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.RequestTimeout = TimeSpan.FromMinutes(1)), null, time);
        await backend.GetStatusAsync();

        var stream = backend.GetChatClient("hang").GetStreamingResponseAsync("wait").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        var next = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => next);
        await stream.DisposeAsync();
        Assert.Contains("RequestTimeout", error.Message);
        Assert.Equal("echo: alive", (await backend.GetChatClient().GetResponseAsync("alive")).Text);
    }

    [Fact]
    public async Task Slow_start_is_waited_for()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.EngineOptions["start_delay"] = "1.0"));
        var clock = Stopwatch.StartNew();

        var response = await backend.GetChatClient().GetResponseAsync("after a slow start");

        Assert.Equal("echo: after a slow start", response.Text);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Start_that_exceeds_the_startup_timeout_is_stopped_and_reported()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o =>
        {
            o.EngineOptions["start_delay"] = "60";
            o.StartupTimeout = TimeSpan.FromMilliseconds(500);
        }));

        var error = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("x"));

        Assert.Contains("did not start within", error.Message);
        Assert.Null(backend.Sidecar.ProcessId);
        Assert.Equal(1, backend.Sidecar.StartCount);
        if (OperatingSystem.IsLinux())
        {
            Assert.DoesNotContain(Directory.GetDirectories("/proc"), IsSlowSidecar);
        }
    }

    [Fact]
    public async Task An_engine_that_cannot_load_is_reported_with_its_stderr()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.Engine = "no_such_module:Engine"));
        var status = await backend.GetStatusAsync();

        Assert.False(status.IsAvailable);
        Assert.Contains("exited with code 4", status.Reason);
        Assert.Contains("no_such_module", status.Reason);
    }

    [Fact]
    public async Task Server_exits_when_its_stdin_closes_so_it_never_outlives_the_app()
    {
        var startInfo = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { TestPaths.ServerScript, "--engine-path", MlxTestEngine.Directory, "--engine", MlxTestEngine.Deterministic })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        try
        {
            Assert.Contains("\"ready\"", await process.StandardOutput.ReadLineAsync());
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool IsSlowSidecar(string procDirectory)
    {
        try
        {
            return int.TryParse(Path.GetFileName(procDirectory), out _)
                && File.ReadAllText(Path.Combine(procDirectory, "cmdline")).Contains("start_delay=60", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static async Task WaitUntilInFlightAsync(MlxBackend backend, int count)
    {
        // The non-streaming request is written on a pool thread; wait for it to be registered, with a deadline.
        var deadline = Stopwatch.StartNew();
        while (backend.Sidecar.Current?.InFlight < count)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "requests never went in flight");
            await Task.Yield();
        }
    }
}
