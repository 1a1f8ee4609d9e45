using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>A chat client whose behaviour a test scripts: answer, fail, stream then fail, or wait on a gate.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    private int _calls;

    public string Reply { get; set; } = "hello";

    /// <summary>Gets or sets the failure thrown before any output (or, with <see cref="UpdatesBeforeFailure"/>, after that many updates).</summary>
    public Exception? Failure { get; set; }

    public int UpdatesBeforeFailure { get; set; }

    /// <summary>Gets or sets how many calls fail with <see cref="Failure"/> before the client answers; negative for every call.</summary>
    public int FailingCalls { get; set; } = -1;

    public int StreamedUpdates { get; set; } = 3;

    /// <summary>Gets or sets a value indicating whether a stream ends with an update that carries <see cref="Usage"/>.</summary>
    public bool StreamUsage { get; set; }

    /// <summary>Gets or sets a gate awaited before answering; the request's token cancels the wait.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource<CancellationToken> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationToken LastToken { get; private set; }

    public ChatOptions? LastOptions { get; private set; }

    public int Calls => _calls;

    public UsageDetails? Usage { get; set; } = new() { InputTokenCount = 3, OutputTokenCount = 2, TotalTokenCount = 5 };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Enter(options, cancellationToken);
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is not null && FailingCalls != 0)
        {
            FailingCalls--;
            throw Failure;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, Reply)) { ModelId = options?.ModelId ?? "test-model", Usage = Usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Enter(options, cancellationToken);
        if (Gate is not null)
        {
            await Gate.Task.WaitAsync(cancellationToken);
        }

        if (Failure is not null && UpdatesBeforeFailure == 0)
        {
            throw Failure;
        }

        for (var i = 0; i < StreamedUpdates; i++)
        {
            if (Failure is not null && i == UpdatesBeforeFailure)
            {
                throw Failure;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, $"{Reply}{i}") { ModelId = options?.ModelId ?? "test-model" };
        }

        if (StreamUsage && Usage is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(Usage)]);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private void Enter(ChatOptions? options, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        LastToken = cancellationToken;
        LastOptions = options;
        Entered.TrySetResult(cancellationToken);
    }
}
