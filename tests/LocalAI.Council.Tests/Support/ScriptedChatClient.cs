using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.Support;

/// <summary>A chat client whose answers come from a script; records every call and how many ran at once.</summary>
public sealed class ScriptedChatClient(string name, Func<ChatCall, Task<ChatResponse>> respond) : IChatClient
{
    private int _inFlight;
    private int _maxInFlight;

    public string Name { get; } = name;

    public ConcurrentQueue<ChatCall> Calls { get; } = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public IEnumerable<ChatCall> CallsOf(CallKind kind) => Calls.Where(c => c.Kind == kind);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = new ChatCall(Name, messages.ToList(), options, cancellationToken);
        Calls.Enqueue(call);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            return await respond(call);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Streams the scripted response word by word, the usage in the last update.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        var words = response.Text.Split(' ');
        for (var i = 0; i < words.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, i == 0 ? words[i] : " " + words[i]) { ModelId = response.ModelId };
        }

        if (response.Usage is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(response.Usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
