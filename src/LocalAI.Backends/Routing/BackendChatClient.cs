using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;

namespace LocalAI;

/// <summary>One backend's chat client as the router calls it: through the backend's resilience pipeline, with a time-to-first-update limit for streams, tagged with the backend id.</summary>
internal sealed class BackendChatClient : DelegatingChatClient
{
    private readonly AdditionalPropertiesDictionary _responseTag;

    public BackendChatClient(BackendEntry entry, IChatClient inner)
        : base(inner)
    {
        Entry = entry;
        _responseTag = new() { [LocalAITelemetry.BackendTag] = entry.Id };
    }

    public BackendEntry Entry { get; }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var response = await Entry.Pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<ChatResponse>(state.Inner.GetResponseAsync(state.Messages, state.Options, ctx.CancellationToken)),
                context,
                (Inner: InnerClient, Messages: messages, Options: options)).ConfigureAwait(false);

            if (response.AdditionalProperties is null)
            {
                response.AdditionalProperties = new() { [LocalAITelemetry.BackendTag] = Entry.Id };
            }
            else
            {
                response.AdditionalProperties[LocalAITelemetry.BackendTag] = Entry.Id;
            }

            Entry.RecordSuccess("chat", response.Usage);
            return response;
        }
        catch (Exception ex) when (Entry.TryTranslate(ex, activity, cancellationToken, out var translated))
        {
            throw translated;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = StartActivity();
        using var state = new StreamStart(InnerClient, messages, options, cancellationToken);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(BackendEntry.FirstUpdateKey, true);
        try
        {
            await Entry.Pipeline.ExecuteAsync(static (ctx, s) => s.MoveFirstAsync(ctx.CancellationToken), context, state).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (state.Enumerator is { } failed)
            {
                await failed.DisposeAsync().ConfigureAwait(false);
            }

            if (Entry.TryTranslate(ex, activity, cancellationToken, out var translated))
            {
                throw translated;
            }

            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var enumerator = state.Enumerator!;
        try
        {
            if (!state.HasFirst)
            {
                yield break;
            }

            // One dictionary per stream, shared by its updates: no allocation per update.
            var tag = new AdditionalPropertiesDictionary { [LocalAITelemetry.BackendTag] = Entry.Id };
            var update = enumerator.Current;
            Entry.RecordUsage(update);
            yield return BackendEntry.Annotate(update, tag);
            while (await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                update = enumerator.Current;
                Entry.RecordUsage(update);
                yield return BackendEntry.Annotate(update, tag);
            }

            Entry.RecordSuccess("chat-stream", null);
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(Entry.Backend) ? Entry.Backend : base.GetService(serviceType, serviceKey);
    }

    private Activity? StartActivity()
    {
        var activity = LocalAITelemetry.ActivitySource.StartActivity("localai.chat", ActivityKind.Client);
        activity?.SetTag(LocalAITelemetry.BackendTag, Entry.Id);
        return activity;
    }

    /// <summary>Opens the inner stream and waits for its first update, abandoning the stream if the pipeline's timeout or circuit ends the wait.</summary>
    private sealed class StreamStart(IChatClient inner, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken callerToken) : IDisposable
    {
        private CancellationTokenSource? _attempt;

        public IAsyncEnumerator<ChatResponseUpdate>? Enumerator { get; private set; }

        public bool HasFirst { get; private set; }

        public void Dispose() => _attempt?.Dispose();

        public async ValueTask MoveFirstAsync(CancellationToken pipelineToken)
        {
            if (Enumerator is not null)
            {
                // A retry after a failure: the previous stream is finished; start a new one.
                await Enumerator.DisposeAsync().ConfigureAwait(false);
                Enumerator = null;
            }

            _attempt?.Dispose();
            var attempt = _attempt = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
            var enumerator = inner.GetStreamingResponseAsync(messages, options, attempt.Token).GetAsyncEnumerator(attempt.Token);
            Enumerator = enumerator;
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
                Enumerator = null;
                _ = pending.ContinueWith(static (_, e) => ((IAsyncEnumerator<ChatResponseUpdate>)e!).DisposeAsync().AsTask(), enumerator, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
        }
    }
}
