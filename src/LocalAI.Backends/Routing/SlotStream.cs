using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI;

/// <summary>One backend's open stream: started through the slot's pipeline up to its first update, then read update by update by the router.</summary>
internal sealed class SlotStream : IAsyncDisposable
{
    private readonly BackendSlot _slot;
    private readonly IChatClient _chat;
    private readonly IEnumerable<ChatMessage> _messages;
    private readonly ChatOptions? _options;
    private readonly bool _fallback;
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly CancellationToken _callerToken;
    private AdditionalPropertiesDictionary? _tag;
    private CancellationTokenSource? _attempt;
    private IAsyncEnumerator<ChatResponseUpdate>? _enumerator;
    private string? _responseModel;
    private bool _ended;

    public SlotStream(
        BackendSlot slot, IChatClient chat, IEnumerable<ChatMessage> messages, ChatOptions? options, bool fallback, Activity? activity, long started, CancellationToken callerToken)
    {
        _slot = slot;
        _chat = chat;
        _messages = messages;
        _options = options;
        _fallback = fallback;
        _activity = activity;
        _started = started;
        _callerToken = callerToken;
    }

    /// <summary>Gets a value indicating whether the stream produced a first update (it may also have ended empty).</summary>
    public bool HasFirst { get; private set; }

    /// <summary>Gets the current update, tagged with the backend id and with its usage recorded.</summary>
    public ChatResponseUpdate Current
    {
        get
        {
            var update = _enumerator!.Current;
            Observe(update);
            return update;
        }
    }

    /// <summary>Moves to the next update; a failure ends the stream's telemetry as an error and is rethrown unchanged.</summary>
    public ValueTask<bool> MoveNextAsync()
    {
        ValueTask<bool> next;
        try
        {
            next = _enumerator!.MoveNextAsync();
        }
        catch (Exception ex)
        {
            Fault(ex);
            throw;
        }

        return next.IsCompletedSuccessfully ? next : AwaitNextAsync(next);
    }

    /// <summary>Ends the stream's telemetry as a success.</summary>
    public void Complete()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _slot.Telemetry.Succeeded(LocalAITelemetry.ChatOperation, _activity, _started, _fallback, _options?.ModelId, _responseModel, null);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_enumerator is { } enumerator)
            {
                _enumerator = null;
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _attempt?.Dispose();
            _activity?.Dispose();
        }
    }

    /// <summary>Opens the inner stream and waits for its first update; the pipeline's timeout or circuit ends the wait and abandons the stream.</summary>
    internal async ValueTask MoveFirstAsync(CancellationToken pipelineToken)
    {
        if (_enumerator is not null)
        {
            // A retry after a failure: the previous stream is finished; start a new one.
            await _enumerator.DisposeAsync().ConfigureAwait(false);
            _enumerator = null;
        }

        _attempt?.Dispose();
        var attempt = _attempt = CancellationTokenSource.CreateLinkedTokenSource(_callerToken);
        var enumerator = _chat.GetStreamingResponseAsync(_messages, _options, attempt.Token).GetAsyncEnumerator(attempt.Token);
        _enumerator = enumerator;
        var first = enumerator.MoveNextAsync();
        if (first.IsCompletedSuccessfully)
        {
            HasFirst = first.Result;
            return;
        }

        var pending = first.AsTask();
        try
        {
            HasFirst = await pending.WaitAsync(pipelineToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!pending.IsCompleted)
        {
            // Timed out (or the caller cancelled): stop the backend's stream, then dispose it once its pending read ends.
            await attempt.CancelAsync().ConfigureAwait(false);
            _enumerator = null;
            _ = pending.ContinueWith(
                static (_, e) => ((IAsyncEnumerator<ChatResponseUpdate>)e!).DisposeAsync().AsTask(),
                enumerator,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Disposes a stream that failed to start, keeping its activity for the caller to finish.</summary>
    internal async ValueTask AbandonAsync()
    {
        _ended = true;
        if (_enumerator is { } enumerator)
        {
            _enumerator = null;
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        _attempt?.Dispose();
        _attempt = null;
    }

    private void Observe(ChatResponseUpdate update)
    {
        // One dictionary per stream, shared by its updates: no allocation per update.
        if (update.AdditionalProperties is null)
        {
            update.AdditionalProperties = _tag ??= new() { [LocalAITelemetry.BackendTag] = _slot.Id };
        }
        else
        {
            update.AdditionalProperties[LocalAITelemetry.BackendTag] = _slot.Id;
        }

        if (update.ModelId is { } model)
        {
            _responseModel = model;
        }

        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                _slot.Telemetry.RecordTokens(LocalAITelemetry.ChatOperation, _fallback, _options?.ModelId, _responseModel, usage.Details);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> AwaitNextAsync(ValueTask<bool> next)
    {
        try
        {
            return await next.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fault(ex);
            throw;
        }
    }

    private void Fault(Exception exception)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _slot.Failed(exception, LocalAITelemetry.ChatOperation, _activity, _started, _fallback, _options?.ModelId, _callerToken, out _);
    }
}
