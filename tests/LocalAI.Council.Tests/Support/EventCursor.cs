namespace LocalAI.Council.Tests.Support;

/// <summary>Reads a council's event stream step by step, keeping what it read.</summary>
public sealed class EventCursor(IAsyncEnumerable<CouncilEvent> events) : IAsyncDisposable
{
    private readonly IAsyncEnumerator<CouncilEvent> _enumerator = events.GetAsyncEnumerator();

    public List<CouncilEvent> Seen { get; } = [];

    /// <summary>Reads until an event of type <typeparamref name="T"/> that matches; fails if the stream ends first.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null)
        where T : CouncilEvent
    {
        while (await _enumerator.MoveNextAsync().AsTask().Within())
        {
            Seen.Add(_enumerator.Current);
            if (_enumerator.Current is T e && (match is null || match(e)))
            {
                return e;
            }
        }

        throw new InvalidOperationException($"The stream ended before a {typeof(T).Name}.");
    }

    /// <summary>Reads to the end.</summary>
    public async Task<List<CouncilEvent>> DrainAsync()
    {
        while (await _enumerator.MoveNextAsync().AsTask().Within())
        {
            Seen.Add(_enumerator.Current);
        }

        return Seen;
    }

    public ValueTask DisposeAsync() => _enumerator.DisposeAsync();
}
