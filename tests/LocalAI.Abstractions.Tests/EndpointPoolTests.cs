using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Abstractions.Tests;

public sealed class EndpointPoolTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task RunAsync_AnEndpointFault_RetriesOnTheNextEndpoint_AndOpensOnlyThatCircuit()
    {
        var (bad, good) = (new Worker("bad"), new Worker("good"));
        using var pool = new EndpointPool<Worker>([bad, good], new EndpointPoolOptions(), _time);
        var tried = new List<string>();

        var result = await pool.RunAsync(
            (w, _) =>
            {
                tried.Add(w.Name);
                return w == bad ? throw new IOException("EOF") : Task.FromResult(w.Name);
            },
            ex => ex is IOException);

        Assert.Equal("good", result);
        Assert.Equal(["bad", "good"], tried);
        Assert.Equal(EndpointCircuitState.Open, pool.GetCircuitState(bad));
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(good));
        Assert.Equal(0, pool.GetInFlight(bad));
        Assert.Equal(0, pool.GetInFlight(good));
    }

    [Fact]
    public async Task RunAsync_AnOpenEndpoint_IsPassedOver_UntilItsBreakEnds_ThenTriedAgain()
    {
        var (bad, good) = (new Worker("bad"), new Worker("good"));
        using var pool = new EndpointPool<Worker>([bad, good], new EndpointPoolOptions { BreakDuration = TimeSpan.FromSeconds(10) }, _time);
        pool.ReportFailure(bad);

        Assert.Equal("good", await pool.RunAsync((w, _) => Task.FromResult(w.Name), _ => true));
        Assert.Equal(good, pool.FirstAvailable());

        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(EndpointCircuitState.HalfOpen, pool.GetCircuitState(bad));
        Assert.Equal("bad", await pool.RunAsync((w, _) => Task.FromResult(w.Name), _ => true));
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(bad));
    }

    [Fact]
    public async Task RunAsync_FailureThreshold_OpensTheCircuitOnlyAfterThatManyFailuresInARow()
    {
        var worker = new Worker("only");
        using var pool = new EndpointPool<Worker>([worker], new EndpointPoolOptions { FailureThreshold = 3 }, _time);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<IOException>(() => pool.RunAsync<int>((_, _) => throw new IOException("down"), _ => true));
            Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(worker));
        }

        await Assert.ThrowsAsync<IOException>(() => pool.RunAsync<int>((_, _) => throw new IOException("down"), _ => true));
        Assert.Equal(EndpointCircuitState.Open, pool.GetCircuitState(worker));
    }

    [Fact]
    public async Task RunAsync_EveryEndpointFails_ThrowsTheLastFailure_AfterTryingEachOnce()
    {
        Worker[] workers = [new("a"), new("b"), new("c")];
        using var pool = new EndpointPool<Worker>(workers, new EndpointPoolOptions(), _time);
        var tried = new List<string>();

        var ex = await Assert.ThrowsAsync<IOException>(() => pool.RunAsync<int>(
            (w, _) =>
            {
                tried.Add(w.Name);
                throw new IOException(w.Name);
            },
            _ => true));

        Assert.Equal("c", ex.Message);
        Assert.Equal(["a", "b", "c"], tried);
    }

    [Fact]
    public async Task RunAsync_ARequestFault_IsThrownAtOnce_AndNotCounted()
    {
        var (a, b) = (new Worker("a"), new Worker("b"));
        using var pool = new EndpointPool<Worker>([a, b], new EndpointPoolOptions(), _time);
        var calls = 0;

        await Assert.ThrowsAsync<ArgumentException>(() => pool.RunAsync<int>(
            (_, _) =>
            {
                calls++;
                throw new ArgumentException("bad request");
            },
            ex => ex is IOException));

        Assert.Equal(1, calls);
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(a));
    }

    [Fact]
    public async Task AcquireAsync_PicksTheLeastBusyEndpoint_AndWaitsBeyondThePerEndpointLimit()
    {
        var (a, b) = (new Worker("a"), new Worker("b"));
        using var pool = new EndpointPool<Worker>([a, b], new EndpointPoolOptions { MaxConcurrencyPerEndpoint = 1 }, _time);

        var first = await pool.AcquireAsync();
        var second = await pool.AcquireAsync();
        var third = pool.AcquireAsync().AsTask();

        Assert.Same(a, first!.Endpoint);
        Assert.Same(b, second!.Endpoint);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, pool.GetInFlight(a));
        first.Dispose();
        var thirdLease = await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Same(a, thirdLease!.Endpoint);
        second.Dispose();
        thirdLease.Dispose();
        Assert.Equal(0, pool.GetInFlight(a) + pool.GetInFlight(b));
    }

    [Fact]
    public async Task OpenAsync_HandsTheLeaseToTheResult_AndFreesItOnFailure()
    {
        var (bad, good) = (new Worker("bad"), new Worker("good"));
        using var pool = new EndpointPool<Worker>([bad, good], new EndpointPoolOptions(), _time);

        var lease = await pool.OpenAsync(
            (l, _) => l.Endpoint == bad ? throw new TimeoutException("no first token") : Task.FromResult(l),
            ex => ex is TimeoutException);

        Assert.Same(good, lease.Endpoint);
        Assert.Equal(1, pool.GetInFlight(good));
        Assert.Equal(0, pool.GetInFlight(bad));
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, pool.GetInFlight(good));
    }

    [Fact]
    public async Task RunAsync_CallerCancellation_IsNeitherRetriedNorCounted()
    {
        var (a, b) = (new Worker("a"), new Worker("b"));
        using var pool = new EndpointPool<Worker>([a, b], new EndpointPoolOptions(), _time);
        using var cts = new CancellationTokenSource();
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pool.RunAsync<int>(
            async (_, ct) =>
            {
                calls++;
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
                return 0;
            },
            _ => true,
            cts.Token));

        Assert.Equal(1, calls);
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(a));
    }

    [Fact]
    public void Constructor_RefusesNoEndpoints_DuplicatesAndBadSettings()
    {
        var a = new Worker("a");
        Assert.Throws<ArgumentException>(() => new EndpointPool<Worker>([], new EndpointPoolOptions()));
        Assert.Throws<ArgumentException>(() => new EndpointPool<Worker>([a, a], new EndpointPoolOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EndpointPool<Worker>([a], new EndpointPoolOptions { MaxConcurrencyPerEndpoint = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EndpointPool<Worker>([a], new EndpointPoolOptions { FailureThreshold = 0 }));
        using var pool = new EndpointPool<Worker>([a], new EndpointPoolOptions());
        Assert.Throws<ArgumentException>(() => pool.GetCircuitState(new Worker("stranger")));
    }

    [Fact]
    public async Task StreamAsync_AFailureBeforeTheFirstItem_MovesToTheNextEndpoint_AndHoldsItsSlotUntilTheEnd()
    {
        var (bad, good) = (new Worker("bad"), new Worker("good"));
        using var pool = new EndpointPool<Worker>([bad, good], new EndpointPoolOptions(), _time);
        var opened = new List<string>();

        await using var stream = pool.StreamAsync(
            (w, _) =>
            {
                opened.Add(w.Name);
                return Items(w == bad ? throw new IOException("refused") : ["1", "2"]);
            },
            ex => ex is IOException).GetAsyncEnumerator();

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal("1", stream.Current);
        Assert.Equal(1, pool.GetInFlight(good));
        Assert.True(await stream.MoveNextAsync());
        Assert.False(await stream.MoveNextAsync());

        Assert.Equal(["bad", "good"], opened);
        Assert.Equal(EndpointCircuitState.Open, pool.GetCircuitState(bad));
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(good));
        Assert.Equal(0, pool.GetInFlight(good));
    }

    [Fact]
    public async Task StreamAsync_AFailureAfterTheFirstItem_IsTheCallers_AndNothingIsRetried()
    {
        var (first, second) = (new Worker("first"), new Worker("second"));
        using var pool = new EndpointPool<Worker>([first, second], new EndpointPoolOptions(), _time);
        var opened = new List<string>();

        await using var stream = pool.StreamAsync(
            (w, _) =>
            {
                opened.Add(w.Name);
                return Failing("1", new IOException("dropped"));
            },
            ex => ex is IOException).GetAsyncEnumerator();

        Assert.True(await stream.MoveNextAsync());
        await Assert.ThrowsAsync<IOException>(() => stream.MoveNextAsync().AsTask());

        Assert.Equal(["first"], opened);
        Assert.Equal(0, pool.GetInFlight(first));
    }

    [Fact]
    public async Task StreamAsync_ARequestFailure_IsThrownAtOnce_AndTheStreamIsDisposed()
    {
        var (first, second) = (new Worker("first"), new Worker("second"));
        using var pool = new EndpointPool<Worker>([first, second], new EndpointPoolOptions(), _time);
        var disposed = 0;

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in pool.StreamAsync((_, _) => Failing(null, new ArgumentException("bad request"), () => disposed++), ex => ex is IOException))
            {
            }
        });

        Assert.Equal("bad request", ex.Message);
        Assert.Equal(1, disposed);
        Assert.Equal(EndpointCircuitState.Closed, pool.GetCircuitState(first));
        Assert.Equal(0, pool.GetInFlight(first));
    }

    private static IAsyncEnumerator<string> Items(string[] items) => items.ToAsyncEnumerable().GetAsyncEnumerator();

    private static async IAsyncEnumerator<string> Failing(string? first, Exception failure, Action? disposed = null)
    {
        try
        {
            if (first is not null)
            {
                yield return first;
            }

            await Task.Yield();
            throw failure;
        }
        finally
        {
            disposed?.Invoke();
        }
    }

    private sealed record Worker(string Name);
}
