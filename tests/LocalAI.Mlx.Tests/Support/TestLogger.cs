using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalAI.Mlx.Tests.Support;

/// <summary>Collects log entries and lets a test wait for one without sleeping.</summary>
public sealed class TestLogger : ILogger, ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _entries = new();
    private readonly List<(Func<EventId, string, bool> Match, TaskCompletionSource<string> Gate)> _waiters = [];

    public IReadOnlyCollection<(EventId Id, LogLevel Level, string Message)> Entries => _entries;

    public Task<string> WaitForAsync(Func<EventId, string, bool> match)
    {
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            var hit = _entries.FirstOrDefault(e => match(e.Id, e.Message));
            if (hit.Message is not null)
            {
                gate.SetResult(hit.Message);
            }
            else
            {
                _waiters.Add((match, gate));
            }
        }

        return gate.Task;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        lock (_waiters)
        {
            _entries.Enqueue((eventId, logLevel, message));
            foreach (var waiter in _waiters.Where(w => w.Match(eventId, message)).ToList())
            {
                waiter.Gate.TrySetResult(message);
                _waiters.Remove(waiter);
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
