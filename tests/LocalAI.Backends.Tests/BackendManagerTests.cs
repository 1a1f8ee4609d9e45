using LocalAI.Backends.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Backends.Tests;

public sealed class BackendManagerTests
{
    [Fact]
    public async Task ListAllModelsAsync_GroupsModelsByBackend_WithStatus_AndReportsAFailingBackendInItsEntry()
    {
        var a = new FakeBackend("a") { Models = { "installed" }, CatalogModels = { new LocalModelInfo("catalog", "a") { IsInstalled = false, Role = "chairman" } } };
        var b = new FakeBackend("b") { ListModelsFailure = new BackendUnavailableException("connection refused") };
        var c = new FakeBackend("c") { Available = false, UnavailableReason = "no model file" };
        var (manager, _) = Router.Create(Router.NewClock(), a, b, c);

        var listing = await manager.ListAllModelsAsync();

        Assert.Equal(["a", "b", "c"], listing.Backends.Keys);
        Assert.Equal(["installed", "catalog"], listing.Backends["a"].Models.Select(m => m.Id));
        Assert.Equal(["installed"], listing.Backends["a"].Installed.Select(m => m.Id));
        Assert.True(listing.Backends["a"].Info.IsAvailable);
        Assert.Null(listing.Backends["a"].Error);
        Assert.Empty(listing.Backends["b"].Models);
        Assert.Equal("BackendUnavailableException: connection refused", listing.Backends["b"].Error);
        Assert.False(listing.Backends["c"].Info.IsAvailable);
        Assert.Equal("no model file", listing.Backends["c"].Info.Reason);
        var json = System.Text.Json.JsonSerializer.Serialize(listing, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Contains("{\"backends\":{\"a\":{\"info\":", json, StringComparison.Ordinal);
        Assert.Contains("\"installed\":[", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAllStatusAsync_ReportsEachBackendInOrder_WithReasonsAndModels()
    {
        var a = new FakeBackend("a") { Available = false, UnavailableReason = "connection refused at 127.0.0.1:11434" };
        var b = new FakeBackend("b") { Models = { "m1", "m2" } };
        var (manager, _) = Router.Create(Router.NewClock(), a, b);

        var all = await manager.GetAllStatusAsync();

        Assert.Equal(["a", "b"], all.Select(s => s.BackendId));
        Assert.False(all[0].IsAvailable);
        Assert.Equal("connection refused at 127.0.0.1:11434", all[0].Reason);
        Assert.True(all[1].IsAvailable);
        Assert.Equal("1.0-test", all[1].Version);
        Assert.Equal(["m1", "m2"], all[1].Models.Select(m => m.Id));
    }

    [Fact]
    public async Task GetStatusAsync_CachesWithinTtl_AndProbesAgainAfter()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a");
        var (manager, _) = Router.Create(clock, new LocalAIOptions { StatusCacheTtl = TimeSpan.FromSeconds(10) }, a);

        await manager.GetStatusAsync("a");
        await manager.GetStatusAsync("a");
        Assert.Equal(1, a.ProbeCount);

        clock.Advance(TimeSpan.FromSeconds(11));
        await manager.GetStatusAsync("a");
        Assert.Equal(2, a.ProbeCount);

        await manager.GetStatusAsync("a", refresh: true);
        Assert.Equal(3, a.ProbeCount);
    }

    [Fact]
    public async Task GetStatusAsync_ProbeThatDoesNotAnswer_IsUnavailableAfterProbeTimeout()
    {
        var clock = Router.NewClock();
        var hung = new TaskCompletionSource<BackendStatus>();
        var a = new FakeBackend("a") { Probe = _ => hung.Task };
        var (manager, _) = Router.Create(clock, new LocalAIOptions { ProbeTimeout = TimeSpan.FromSeconds(2) }, a);

        var pending = manager.GetStatusAsync("a");
        clock.Advance(TimeSpan.FromSeconds(2));
        var status = await pending;

        Assert.False(status.IsAvailable);
        Assert.Contains("did not answer the probe within 00:00:02", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStatusAsync_ABackendThatStartsFirst_IsAwaitedUpToItsStartupTimeout_NotTheProbeTimeout()
    {
        var clock = Router.NewClock();
        var start = new TaskCompletionSource();
        var a = new StartingBackend(new FakeBackend("a"), () => start.Task, TimeSpan.FromSeconds(30));
        var manager = new BackendManager([a], new LocalAIOptions { ProbeTimeout = TimeSpan.FromSeconds(2) }, timeProvider: clock);

        var pending = manager.GetStatusAsync("a");
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.False(pending.IsCompleted);
        start.SetResult();
        var status = await pending;

        Assert.True(status.IsAvailable);
        Assert.Equal(1, a.Starts);
    }

    [Fact]
    public async Task GetStatusAsync_AStartThatNeverEnds_IsUnavailableAfterTheStartupTimeoutAndTheProbeTimeout()
    {
        var clock = Router.NewClock();
        var a = new StartingBackend(new FakeBackend("a"), () => new TaskCompletionSource().Task, TimeSpan.FromSeconds(30));
        var manager = new BackendManager([a], new LocalAIOptions { ProbeTimeout = TimeSpan.FromSeconds(2) }, timeProvider: clock);

        var pending = manager.GetStatusAsync("a");
        clock.Advance(TimeSpan.FromSeconds(32));
        var status = await pending;

        Assert.False(status.IsAvailable);
        Assert.Equal("did not start within 00:00:32", status.Reason);
    }

    [Fact]
    public async Task GetStatusAsync_AStartThatFails_IsUnavailableWithItsMessage()
    {
        var a = new StartingBackend(new FakeBackend("a"), () => Task.FromException(new BackendUnavailableException("'ollama serve' exited with code 1")), TimeSpan.FromSeconds(30));
        var manager = new BackendManager([a], new LocalAIOptions(), timeProvider: Router.NewClock());

        var status = await manager.GetStatusAsync("a");

        Assert.False(status.IsAvailable);
        Assert.Equal("'ollama serve' exited with code 1", status.Reason);
        Assert.Equal(0, a.Inner.ProbeCount);
    }

    [Fact]
    public async Task GetStatusAsync_ProbeThatThrows_IsUnavailableWithTheMessage()
    {
        var a = new FakeBackend("a") { Probe = _ => throw new InvalidOperationException("python3 not found on PATH") };
        var (manager, _) = Router.Create(Router.NewClock(), a);

        var status = await manager.GetStatusAsync("a");

        Assert.False(status.IsAvailable);
        Assert.Equal("python3 not found on PATH", status.Reason);
    }

    [Fact]
    public async Task StatusChanged_RaisedWhenAvailabilityChanges()
    {
        var clock = Router.NewClock();
        var a = new FakeBackend("a");
        var (manager, _) = Router.Create(clock, a);
        var events = new List<BackendStatusChangedEventArgs>();
        manager.StatusChanged += (_, e) => events.Add(e);

        await manager.GetStatusAsync("a", refresh: true);
        await manager.GetStatusAsync("a", refresh: true);
        a.Available = false;
        await manager.GetStatusAsync("a", refresh: true);

        Assert.Equal(2, events.Count);
        Assert.Null(events[0].PreviousAvailability);
        Assert.True(events[0].Status?.IsAvailable);
        Assert.True(events[1].PreviousAvailability);
        Assert.False(events[1].Status?.IsAvailable);
    }

    [Fact]
    public async Task StatusChanged_RaisedWhenCircuitOpens()
    {
        var a = new FakeBackend("a") { Chat = { Failure = new TimeoutException() } };
        var b = new FakeBackend("b");
        var (manager, router) = Router.Create(Router.NewClock(), new LocalAIOptions { Resilience = { MinimumThroughput = 2 } }, a, b);
        var circuits = new List<BackendCircuitState>();
        manager.StatusChanged += (_, e) => circuits.Add(e.CircuitState);

        await router.GetResponseAsync("1");
        await router.GetResponseAsync("2");

        Assert.Contains(BackendCircuitState.Open, circuits);
    }

    [Fact]
    public async Task SwitchBackendAsync_MovesBackendFirst_AndRouterFollows()
    {
        var a = new FakeBackend("a") { Chat = { Reply = "from a" } };
        var b = new FakeBackend("b") { Chat = { Reply = "from b" } };
        var (manager, router) = Router.Create(Router.NewClock(), a, b);

        await manager.SwitchBackendAsync("b");
        var response = await router.GetResponseAsync("hi");

        Assert.Equal("b", manager.PreferredBackendId);
        Assert.Equal(["b", "a"], manager.Backends.Select(x => x.Id));
        Assert.Equal("from b", response.Text);
    }

    [Fact]
    public async Task SwitchBackendAsync_ToUnavailableBackend_ThrowsAndKeepsOrder()
    {
        var a = new FakeBackend("a");
        var b = new FakeBackend("b") { Available = false, UnavailableReason = "ollama binary not found" };
        var (manager, _) = Router.Create(Router.NewClock(), a, b);

        var thrown = await Assert.ThrowsAsync<BackendUnavailableException>(() => manager.SwitchBackendAsync("b"));

        Assert.Contains("ollama binary not found", thrown.Message, StringComparison.Ordinal);
        Assert.Equal("b", thrown.BackendId);
        Assert.Null(manager.PreferredBackendId);
    }

    [Fact]
    public async Task SwitchBackendAsync_UnknownId_ThrowsNamingTheRegisteredOnes()
    {
        var (manager, _) = Router.Create(Router.NewClock(), new FakeBackend("a"), new FakeBackend("b"));

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => manager.SwitchBackendAsync("mlx"));

        Assert.Contains("'mlx'", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("a, b", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetActiveBackendAsync_ReturnsFirstAvailableWithCapability()
    {
        var a = new FakeBackend("a") { Available = false };
        var b = new FakeBackend("b");
        var c = new FakeBackend("c", BackendCapabilities.Embeddings);
        var (manager, _) = Router.Create(Router.NewClock(), a, b, c);

        Assert.Same(b, await manager.GetActiveBackendAsync());
        Assert.Same(c, await manager.GetActiveBackendAsync(BackendCapabilities.Embeddings));
        Assert.Null(await manager.GetActiveBackendAsync(BackendCapabilities.Vision));
    }

    [Fact]
    public void Constructor_DuplicateIds_Throws()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new BackendManager([new FakeBackend("a"), new FakeBackend("A")]));

        Assert.Contains("share the id", thrown.Message, StringComparison.Ordinal);
    }
}
