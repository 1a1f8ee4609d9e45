using LocalAI.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.Backends.Tests.Support;

internal static class Router
{
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static (BackendManager Manager, FallbackChatClient Chat) Create(FakeTimeProvider clock, LocalAIOptions? options, params FakeBackend[] backends)
    {
        var manager = new BackendManager(backends, options ?? new LocalAIOptions(), timeProvider: clock);
        return (manager, new FallbackChatClient(manager));
    }

    public static (BackendManager Manager, FallbackChatClient Chat) Create(FakeTimeProvider clock, params FakeBackend[] backends) =>
        Create(clock, null, backends);
}
