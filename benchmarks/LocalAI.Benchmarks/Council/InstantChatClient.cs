using System.Runtime.CompilerServices;
using LocalAI.Council;
using Microsoft.Extensions.AI;

namespace LocalAI.Benchmarks.Council;

/// <summary>A chat client that answers at once (or after a fixed delay) with a prepared response, by the kind of request.</summary>
internal sealed class InstantChatClient(TimeSpan latency) : IChatClient
{
    // Five agents: every reviewer sees four responses, labelled A to D.
    private static readonly ChatResponse Review = Reply("{\"rankings\":[{\"response\":\"A\",\"score\":8,\"reasoning\":\"clear\"},{\"response\":\"B\",\"score\":6,\"reasoning\":\"thin\"},{\"response\":\"C\",\"score\":7,\"reasoning\":\"ok\"},{\"response\":\"D\",\"score\":5,\"reasoning\":\"vague\"}]}");
    private static readonly ChatResponse Opinion = Reply("Insertion sort is best on nearly sorted data: it runs in close to linear time there.");
    private static readonly ChatResponseUpdate[] Synthesis =
    [
        new(ChatRole.Assistant, "Use insertion sort"),
        new(ChatRole.Assistant, " for nearly sorted data."),
        new(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 400, OutputTokenCount = 10, TotalTokenCount = 410 })]),
    ];

    /// <summary>A council of these clients, one agent each, with default options.</summary>
    public static ChatCouncil CreateCouncil(IEnumerable<InstantChatClient> clients)
    {
        var options = new CouncilOptions();
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            options.Agents.Add(new CouncilAgentOptions { Client = client, Model = "model-" + i });
        }

        return new ChatCouncil(options);
    }

    public static ChatResponse Reply(string text) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, TotalTokenCount = 120 } };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        return options?.ResponseFormat is ChatResponseFormatJson ? Review : Opinion;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        foreach (var update in Synthesis)
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
