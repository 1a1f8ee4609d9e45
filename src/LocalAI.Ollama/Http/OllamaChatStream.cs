using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;

namespace LocalAI.Ollama;

/// <summary>One streamed chat response on one endpoint: bounds the wait for each token, checks that the stream ends with Ollama's <c>done</c> line, and translates failures.</summary>
internal sealed class OllamaChatStream : IAsyncDisposable
{
    private readonly EndpointLease<OllamaEndpoint> _lease;
    private readonly OllamaErrors _errors;
    private readonly TimeSpan _idleTimeout;
    private readonly string? _model;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly ITimer _idleTimer;
    private IAsyncEnumerator<ChatResponseUpdate>? _enumerator;
    private bool _done;

    public OllamaChatStream(EndpointLease<OllamaEndpoint> lease, OllamaErrors errors, TimeSpan idleTimeout, TimeProvider timeProvider, string? model, CancellationToken cancellationToken)
    {
        _lease = lease;
        _errors = errors;
        _idleTimeout = idleTimeout;
        _model = model;
        _callerToken = cancellationToken;
        _idle = new CancellationTokenSource();
        _idleTimer = timeProvider.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _idle, idleTimeout, Timeout.InfiniteTimeSpan);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
    }

    public ChatResponseUpdate Current { get; private set; } = null!;

    public void Start(IEnumerable<ChatMessage> messages, ChatOptions options) =>
        _enumerator = _lease.Endpoint.ChatClient.GetStreamingResponseAsync(messages, options, _linked.Token).GetAsyncEnumerator(_linked.Token);

    public async ValueTask<bool> MoveNextAsync()
    {
        var endpoint = _lease.Endpoint;
        bool has;
        ResponseCancellation.Set(_linked.Token);
        try
        {
            has = await _enumerator!.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (_idle.IsCancellationRequested && !_callerToken.IsCancellationRequested)
        {
            throw _errors.Timeout(endpoint.Uri, _idleTimeout, streaming: true, ex);
        }
        catch (Exception ex) when (_callerToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // The caller cancelled and the response stream was closed under the pending read.
            throw new OperationCanceledException("The stream was cancelled.", ex, _callerToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _errors.Translate(ex, endpoint.Uri, _model) switch
            {
                LocalAIException translated => translated,
                _ => new BackendProtocolException($"Ollama at {endpoint.Uri} failed mid-stream: {ex.Message}", ex) { BackendId = _errors.BackendId },
            };
        }

        if (!has)
        {
            _callerToken.ThrowIfCancellationRequested();
            if (_idle.IsCancellationRequested)
            {
                throw _errors.Timeout(endpoint.Uri, _idleTimeout, streaming: true);
            }

            if (!_done)
            {
                throw new BackendProtocolException(
                    $"Ollama at {endpoint.Uri} ended the stream before its final 'done' line; the response is incomplete. The server may have crashed; check its log.")
                { BackendId = _errors.BackendId };
            }

            _lease.ReportSuccess();
            return false;
        }

        var update = _enumerator.Current;
        if (update.RawRepresentation is ChatResponseStream { Done: true })
        {
            _done = true;
        }

        // A token arrived: the stream is alive, so the idle limit starts again.
        _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        Current = update;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_enumerator is not null)
            {
                await _enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await _idleTimer.DisposeAsync().ConfigureAwait(false);
            _linked.Dispose();
            _idle.Dispose();
            _lease.Dispose();
        }
    }
}
