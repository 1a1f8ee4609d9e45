using LocalAI.Gguf;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>
/// A server over the tiny GGUF chat model for council sessions: greedy requests on it are deterministic, and the prefix cache is off so
/// that a repeated prompt is evaluated exactly as the first time (one thread, whole-prompt batches).
/// </summary>
public sealed class CouncilServerFixture : IAsyncLifetime
{
    public LocalAIServer Server { get; private set; } = null!;

    /// <summary>Adds the <c>gguf</c> backend this fixture's server has.</summary>
    public static ILocalAIBuilder AddTinyGguf(ILocalAIBuilder builder) => builder.AddGguf(o =>
    {
        o.ModelPath = TinyModels.Chat();
        o.Threads = 1;
        o.ContextSize = 1024;
        o.BatchSize = 1024;
        o.MaxParallelRequests = 2;
        o.DefaultMaxOutputTokens = 16;
        o.EnablePrefixCache = false;
    });

    public async Task InitializeAsync() => Server = await LocalAIServer.StartAsync(b => AddTinyGguf(b));

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
