using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Routing;

/// <summary>A chat client with no latency that builds a fresh response (or updates) per call, like a real backend.</summary>
/// <param name="updates">Updates per stream, unless the request's <see cref="ChatOptions.MaxOutputTokens"/> asks for another count.</param>
internal sealed class InMemoryChatClient(int updates) : IChatClient
{
    private static readonly ChatMessage[] Reply = [new(ChatRole.Assistant, "ok")];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(Reply));

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var count = options?.MaxOutputTokens ?? updates;
        for (var i = 0; i < count; i++)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "tok");
        }

        await Task.CompletedTask;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
