using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading.Channels;

namespace LocalAI.Ollama.Tests;

/// <summary>The embedded-server manager against a real child process: the test server built as an executable that behaves like <c>ollama serve</c>.</summary>
public sealed class OllamaServerProcessTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("localai-ollama-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task StartAsync_RunsServeOnALoopbackPort_WaitsUntilItAnswers_AndPassesTheSettings()
    {
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.NumParallel = 2;
            o.ModelsDirectory = Path.Combine(_temp, "models");
        }));

        await server.StartAsync();

        Assert.Equal(OllamaServerState.Running, server.State);
        Assert.Equal("127.0.0.1", server.Endpoint.Host);
        Assert.NotNull(server.ProcessId);
        await using var backend = TestSupport.CreateBackend(server.Endpoint);
        Assert.True((await backend.GetStatusAsync()).IsAvailable);
        var output = string.Join("\n", server.GetRecentOutput());
        Assert.Contains("parallel 2", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_temp, "models"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoServers_GetTwoFreePorts()
    {
        await using var one = new OllamaServerProcess(Options());
        await using var two = new OllamaServerProcess(Options());

        await Task.WhenAll(one.StartAsync(), two.StartAsync());

        Assert.NotEqual(one.Port, two.Port);
        Assert.NotEqual(one.ProcessId, two.ProcessId);
    }

    [Fact]
    public async Task AServerAlreadyAnsweringOnTheConfiguredPort_IsAdopted_NotStartedAgain()
    {
        await using var running = await OllamaTestServer.StartAsync();
        await using var server = new OllamaServerProcess(Options(o => o.Port = running.Uri.Port));

        await server.StartAsync();

        Assert.True(server.IsAdopted);
        Assert.Null(server.ProcessId);
        Assert.Equal(OllamaServerState.Running, server.State);
    }

    [Theory]
    [InlineData("catch-all")]
    [InlineData("static files")]
    public async Task AServerThatIsNotOllamaOnTheConfiguredPort_IsNotAdopted_NorSentThePrompt_AndTheStartFailsNamingThePort(string kind)
    {
        var root = Directory.CreateDirectory(Path.Combine(_temp, "www", "api")).Parent!.FullName;
        File.WriteAllText(Path.Combine(root, "api", "version"), """{"version":"0.12.6"}""");
        await using var impostor = kind == "catch-all" ? await ImpostorServer.CatchAllAsync() : await ImpostorServer.StaticFilesAsync(root);
        await using var backend = new OllamaEmbeddedBackend("local", Options(o => o.Port = impostor.Port));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient("llama3.2").GetResponseAsync("a private prompt"));

        Assert.Contains($"Port {impostor.Port} is held by a server that is not Ollama", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/api/tags answered", ex.Message, StringComparison.Ordinal);
        Assert.False(backend.Server.IsAdopted);
        Assert.Null(backend.Server.ProcessId);
        Assert.Equal(OllamaServerState.Failed, backend.Server.State);
        Assert.Equal(["GET /api/version", "GET /api/tags"], impostor.Requests);
    }

    [Fact]
    public async Task WithAdoptionOff_APortHeldByAnotherOllama_FailsTheStart_NamingThePortAndTheChildsOwnError()
    {
        await using var holder = await OllamaTestServer.StartAsync();
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.Port = holder.Uri.Port;
            o.AdoptExisting = false;
        }));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());

        Assert.Contains($"before it answered on port {holder.Uri.Port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("address already in use", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OllamaServerState.Failed, server.State);
        Assert.Null(server.ProcessId);
    }

    [Fact]
    public async Task RestartsThatCannotBindBecauseAnotherServerTookThePort_StopAfterMaxRestarts_AndTheServerIsLeftDownWithTheReason()
    {
        var states = Channel.CreateUnbounded<OllamaServerStateChangedEventArgs>();
        var launches = 0;
        OllamaTestServer? holder = null;
        Exception? holderFailure = null;
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.Port = OllamaServerProcess.FindFreePort();
            o.AdoptExisting = false;
            o.RestartDelay = TimeSpan.FromMilliseconds(20);
            o.MaxRestarts = 2;
        }));
        server.StateChanged += (_, e) =>
        {
            if (e.State == OllamaServerState.Starting)
            {
                Interlocked.Increment(ref launches);
            }

            if (e.State == OllamaServerState.Restarting && holder is null && holderFailure is null)
            {
                // While ours is down (before its restart is even scheduled), another Ollama takes the port.
                try
                {
                    holder = OllamaTestServer.StartAsync(port: server.Port).GetAwaiter().GetResult();
                }
                catch (IOException ex)
                {
                    holderFailure = ex;
                }
            }

            states.Writer.TryWrite(e);
        };
        await server.StartAsync();

        try
        {
            using (var http = new HttpClient())
            {
                await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.PostAsync(new Uri(server.Endpoint, "test/crash?code=9"), null));
            }

            await NextAsync(states, OllamaServerState.Failed);

            Assert.Null(holderFailure);
            Assert.NotNull(holder);
            Assert.Equal(1 + 2, Volatile.Read(ref launches));
            Assert.Null(server.ProcessId);
            var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());
            Assert.Contains($"on port {server.Port} was left down after 2 restarts in a row", ex.Message, StringComparison.Ordinal);
            Assert.Contains("address already in use", ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1 + 2, Volatile.Read(ref launches));
        }
        finally
        {
            if (holder is not null)
            {
                await holder.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ACrashedServer_IsRestarted_AndAnswersAgain()
    {
        var states = Channel.CreateUnbounded<OllamaServerStateChangedEventArgs>();
        await using var server = new OllamaServerProcess(Options(o => o.RestartDelay = TimeSpan.FromMilliseconds(20)));
        await server.StartAsync();
        var firstPid = server.ProcessId!.Value;
        server.StateChanged += (_, e) => states.Writer.TryWrite(e);

        using (var http = new HttpClient())
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.PostAsync(new Uri(server.Endpoint, "test/crash?code=9"), null));
        }

        var restarting = await NextAsync(states, OllamaServerState.Restarting);
        Assert.Equal(9, restarting.ExitCode);
        Assert.Equal(1, restarting.RestartAttempt);
        var running = await NextAsync(states, OllamaServerState.Running);
        Assert.NotEqual(firstPid, running.ProcessId);
        Assert.False(TestSupport.IsAlive(firstPid));
        await using var backend = TestSupport.CreateBackend(server.Endpoint);
        Assert.Equal("You said: back", (await backend.GetChatClient().GetResponseAsync("back")).Text);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheServerGracefully_AndLeavesNoProcess()
    {
        var states = Channel.CreateUnbounded<OllamaServerStateChangedEventArgs>();
        var server = new OllamaServerProcess(Options());
        await server.StartAsync();
        var pid = server.ProcessId!.Value;
        server.StateChanged += (_, e) => states.Writer.TryWrite(e);

        await server.DisposeAsync();

        var stopped = await NextAsync(states, OllamaServerState.Stopped);
        Assert.Equal(0, stopped.ExitCode);
        Assert.False(TestSupport.IsAlive(pid));
    }

    [Fact]
    public async Task AServerThatIgnoresTheTerminateSignal_IsKilledAfterTheGracePeriod()
    {
        var states = Channel.CreateUnbounded<OllamaServerStateChangedEventArgs>();
        var server = new OllamaServerProcess(Options(o =>
        {
            o.Environment["OLLAMA_TEST_IGNORE_SIGTERM"] = "1";
            o.StopGracePeriod = TimeSpan.FromMilliseconds(300);
        }));
        await server.StartAsync();
        var pid = server.ProcessId!.Value;
        server.StateChanged += (_, e) => states.Writer.TryWrite(e);

        await server.DisposeAsync();

        var stopped = await NextAsync(states, OllamaServerState.Stopped);
        Assert.Equal(137, stopped.ExitCode);
        Assert.False(TestSupport.IsAlive(pid));
        Assert.Contains("ignoring SIGTERM", server.GetRecentOutput());
    }

    [Fact]
    public async Task ABinaryThatExitsAtOnce_FailsTheStart_WithItsExitCodeAndLastOutput()
    {
        await using var server = new OllamaServerProcess(Options(o => o.Environment["OLLAMA_TEST_EXIT_AT_START"] = "7"));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());

        Assert.Contains("exited with code 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("simulated failure at start", ex.Message, StringComparison.Ordinal);
        Assert.Null(server.ProcessId);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AServerThatNeverAnswers_FailsAfterTheStartupDeadline_AndIsStopped()
    {
        var script = Path.Combine(_temp, "ollama");
        File.WriteAllText(script, "#!/bin/sh\necho \"loading, never listening\"\nexec sleep 120\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var states = Channel.CreateUnbounded<OllamaServerStateChangedEventArgs>();
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.BinaryPath = script;
            o.StartupTimeout = TimeSpan.FromSeconds(1);
            o.StopGracePeriod = TimeSpan.FromSeconds(2);
        }));
        server.StateChanged += (_, e) => states.Writer.TryWrite(e);

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());

        Assert.Contains("did not answer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("loading, never listening", ex.Message, StringComparison.Ordinal);
        var starting = await NextAsync(states, OllamaServerState.Starting);
        Assert.False(TestSupport.IsAlive(starting.ProcessId!.Value));
    }

    [Fact]
    public async Task AMissingConfiguredBinary_FailsWithWhatToDo()
    {
        await using var server = new OllamaServerProcess(Options(o => o.BinaryPath = Path.Combine(_temp, "no-ollama")));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());
        Assert.Contains("BinaryPath", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallWithAChecksumMismatch_InstallsNothing()
    {
        var archive = CreateArchive();
        var installDir = Path.Combine(_temp, "install");
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.BinaryPath = null;
            o.InstallArchive = archive;
            o.InstallSha256 = new string('0', 64);
            o.InstallDirectory = installDir;
        }));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => server.StartAsync());

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(installDir));
    }

    [Fact]
    public async Task InstallFromAVerifiedArchive_MovesTheBinaryIntoPlace_AndStartsIt()
    {
        var archive = CreateArchive();
        var installDir = Path.Combine(_temp, "install");
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)));
        await using var server = new OllamaServerProcess(Options(o =>
        {
            o.BinaryPath = null;
            o.InstallArchive = archive;
            o.InstallSha256 = sha.ToUpperInvariant();
            o.InstallDirectory = installDir;
        }));

        await server.StartAsync();

        Assert.Equal(Path.Combine(installDir, sha[..16], "bin", "ollama"), server.BinaryPath);
        Assert.Equal([Path.Combine(installDir, sha[..16])], Directory.EnumerateFileSystemEntries(installDir));
        Assert.Equal(OllamaServerState.Running, server.State);
    }

    private static OllamaEmbeddedBackendOptions Options(Action<OllamaEmbeddedBackendOptions>? configure = null)
    {
        var options = new OllamaEmbeddedBackendOptions
        {
            BinaryPath = TestSupport.TestServerExecutable,
            StartupTimeout = TimeSpan.FromSeconds(30),
            StopGracePeriod = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A release-shaped archive (bin/ollama) whose binary starts the test server.</summary>
    private string CreateArchive()
    {
        var content = Path.Combine(_temp, "content");
        Directory.CreateDirectory(Path.Combine(content, "bin"));
        var script = Path.Combine(content, "bin", "ollama");
        File.WriteAllText(script, $"#!/bin/sh\nexec \"{TestSupport.TestServerExecutable}\" \"$@\"\n");
        var archive = Path.Combine(_temp, "ollama-linux-amd64.tgz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            TarFile.CreateFromDirectory(content, gzip, includeBaseDirectory: false);
        }

        return archive;
    }

    private static async Task<OllamaServerStateChangedEventArgs> NextAsync(Channel<OllamaServerStateChangedEventArgs> states, OllamaServerState wanted)
    {
        using var cts = new CancellationTokenSource(TestSupport.Wait);
        while (true)
        {
            var next = await states.Reader.ReadAsync(cts.Token);
            if (next.State == wanted)
            {
                return next;
            }
        }
    }
}
