using LocalAI.Gguf.Tests.Fixtures;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class ContextPoolTests(ModelFixture fixture)
{
    private int _created;

    [Fact]
    public async Task LeaseAsync_waits_while_every_context_is_leased_and_the_wait_is_cancellable()
    {
        using var pool = CreatePool(capacity: 1);
        var first = await pool.LeaseAsync(ReadOnlyMemory<int>.Empty);
        var firstContext = first.Context;

        using var cts = new CancellationTokenSource();
        var cancelled = pool.LeaseAsync(ReadOnlyMemory<int>.Empty, cts.Token).AsTask();
        var waiting = pool.LeaseAsync(ReadOnlyMemory<int>.Empty).AsTask();
        Assert.False(cancelled.IsCompleted);
        Assert.False(waiting.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(waiting.IsCompleted);

        first.Dispose();
        first.Dispose();
        using var second = await waiting;

        Assert.Same(firstContext, second.Context);
        Assert.Equal(1, _created);
    }

    [Fact]
    public async Task LeaseAsync_takes_the_idle_context_sharing_the_longest_prefix_and_creates_one_when_none_shares_any()
    {
        using var pool = CreatePool(capacity: 3);
        var a = await pool.LeaseAsync(new[] { 1, 2, 3 });
        var b = await pool.LeaseAsync(new[] { 7, 8 });
        a.CachedTokens.AddRange([1, 2, 3]);
        b.CachedTokens.AddRange([7, 8]);
        var (contextA, contextB) = (a.Context, b.Context);
        a.Dispose();
        b.Dispose();

        using var sharesB = await pool.LeaseAsync(new[] { 7, 8, 9 });
        using var sharesNone = await pool.LeaseAsync(new[] { 4, 5 });

        Assert.Same(contextB, sharesB.Context);
        Assert.Equal(2, sharesB.CommonPrefix([7, 8, 9]));
        Assert.NotSame(contextA, sharesNone.Context);
        Assert.Equal(3, _created);
    }

    [Fact]
    public async Task Forget_clears_what_the_context_is_known_to_hold()
    {
        using var pool = CreatePool(capacity: 1);
        using var lease = await pool.LeaseAsync(new[] { 1, 2 });
        lease.CachedTokens.AddRange([1, 2]);

        lease.Forget();

        Assert.Empty(lease.CachedTokens);
        Assert.Equal(0, lease.CommonPrefix([1, 2]));
    }

    [Fact]
    public async Task Dispose_frees_the_model_once_the_last_lease_is_returned()
    {
        var pool = CreatePool(capacity: 2);
        var lease = await pool.LeaseAsync(ReadOnlyMemory<int>.Empty);
        var idle = await pool.LeaseAsync(ReadOnlyMemory<int>.Empty);
        idle.Dispose();

        pool.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pool.LeaseAsync(ReadOnlyMemory<int>.Empty).AsTask());
        Assert.NotEmpty(pool.Model.Tokenize("still loaded", addSpecial: false, parseSpecial: false));
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.Model.Tokenize("freed", addSpecial: false, parseSpecial: false));
    }

    private ContextPool CreatePool(int capacity)
    {
        LlamaLibrary.EnsureLoaded(null);
        return new ContextPool(LlamaModel.Load(fixture.ChatModelPath), capacity, model =>
        {
            Interlocked.Increment(ref _created);
            return model.CreateContext(contextSize: 64, batchSize: 16, threads: 1);
        });
    }
}
