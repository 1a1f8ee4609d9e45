using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Abstractions.Tests;

public sealed class StallTimeoutEnumeratorTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<string> _source = Channel.CreateUnbounded<string>();

    [Fact]
    public async Task NoFirstItemWithinTheLimit_IsStalled_AndTheSourceSeesItsTokenCancelled()
    {
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);

        var first = stream.MoveNextAsync().AsTask();
        await stream.Opened.Task;
        _time.Advance(Limit);

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => first);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.True(stream.SourceToken.IsCancellationRequested);
    }

    [Fact]
    public async Task EachItemStartsTheLimitAgain_SoASteadyStreamIsNeverCut()
    {
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);
        var read = new List<string>();

        foreach (var item in (string[])["a", "b", "c"])
        {
            _time.Advance(Limit - TimeSpan.FromSeconds(1));
            await _source.Writer.WriteAsync(item);
            Assert.True(await stream.MoveNextAsync());
            read.Add(stream.Current);
        }

        await _source.Writer.WriteAsync("end");
        _source.Writer.Complete();
        Assert.True(await stream.MoveNextAsync());
        Assert.False(await stream.MoveNextAsync());
        Assert.Equal(["a", "b", "c"], read);
    }

    [Fact]
    public async Task TheLimitReachedAfterAnItem_IsStalledToo()
    {
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);
        await _source.Writer.WriteAsync("a");
        Assert.True(await stream.MoveNextAsync());

        var next = stream.MoveNextAsync().AsTask();
        _time.Advance(Limit);

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => next);
        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task AStreamEndingBeforeItsLastItem_IsEndedEarly()
    {
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);
        await _source.Writer.WriteAsync("a");
        _source.Writer.Complete();

        Assert.True(await stream.MoveNextAsync());
        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => stream.MoveNextAsync().AsTask());

        Assert.Equal("ended early", ex.Message);
    }

    [Fact]
    public async Task AFailureOfTheSource_IsWordedByTheBackend()
    {
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);
        _source.Writer.Complete(new IOException("connection reset"));

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => stream.MoveNextAsync().AsTask());

        Assert.Equal("failed: connection reset", ex.Message);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task TheCallerCancelling_IsCancellation_NotAStallOrAFailure()
    {
        using var caller = new CancellationTokenSource();
        await using var stream = new ChannelStream(_source.Reader, Limit, _time, caller.Token);

        var first = stream.MoveNextAsync().AsTask();
        await stream.Opened.Task;
        await caller.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(caller.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task Dispose_TwiceIsHarmless_AndMoveNextAfterItThrows()
    {
        var stream = new ChannelStream(_source.Reader, Limit, _time, CancellationToken.None);

        await stream.DisposeAsync();
        await stream.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => stream.MoveNextAsync().AsTask());
    }

    /// <summary>A stream over a channel: "end" is its last item; failures are worded so the tests can tell them apart.</summary>
    private sealed class ChannelStream(ChannelReader<string> reader, TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
        : StallTimeoutEnumerator<string>(limit, time, cancellationToken)
    {
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationToken SourceToken { get; private set; }

        protected override IAsyncEnumerable<string> Open(CancellationToken cancellationToken)
        {
            SourceToken = cancellationToken;
            return ReadAsync(cancellationToken);
        }

        protected override bool IsLast(string item) => item == "end";

        protected override Exception Stalled(Exception? cause) => new BackendUnavailableException("stalled", new TimeoutException("no item", cause));

        protected override Exception Failed(Exception exception) => new BackendProtocolException("failed: " + exception.Message, exception);

        protected override Exception EndedEarly() => new BackendProtocolException("ended early");

        private async IAsyncEnumerable<string> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Opened.TrySetResult();
            await foreach (var item in reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
    }
}
