using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>One streamed chat response from one server: bounds the wait for each token, checks that the stream ends with a finish reason, and translates failures.</summary>
internal sealed class OpenAIChatStream : IAsyncDisposable
{
    private readonly OpenAIEndpoint _endpoint;
    private readonly OpenAIErrors _errors;
    private readonly TimeSpan _idleTimeout;
    private readonly string? _model;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _idle;
    private readonly CancellationTokenSource _linked;
    private readonly ITimer _idleTimer;
    private IAsyncEnumerator<ChatResponseUpdate>? _enumerator;
    private bool _finished;

    public OpenAIChatStream(OpenAIEndpoint endpoint, OpenAIErrors errors, TimeSpan idleTimeout, TimeProvider timeProvider, string? model, CancellationToken cancellationToken)
    {
        _endpoint = endpoint;
        _errors = errors;
        _idleTimeout = idleTimeout;
        _model = model;
        _callerToken = cancellationToken;
        _idle = new CancellationTokenSource();
        _idleTimer = timeProvider.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), _idle, idleTimeout, Timeout.InfiniteTimeSpan);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _idle.Token);
    }

    public OpenAIEndpoint Endpoint => _endpoint;

    public ChatResponseUpdate Current { get; private set; } = null!;

    public void Start(IEnumerable<ChatMessage> messages, ChatOptions options) =>
        _enumerator = _endpoint.ChatClient(options.ModelId!).GetStreamingResponseAsync(messages, options, _linked.Token).GetAsyncEnumerator(_linked.Token);

    public async ValueTask<bool> MoveNextAsync()
    {
        bool has;
        try
        {
            has = await _enumerator!.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (_idle.IsCancellationRequested && !_callerToken.IsCancellationRequested)
        {
            throw _errors.Timeout(_endpoint.Uri, _idleTimeout, streaming: true, ex);
        }
        catch (Exception ex) when (_callerToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            // The caller cancelled and the response stream was closed under the pending read.
            throw new OperationCanceledException("The stream was cancelled.", ex, _callerToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _errors.Translate(ex, _endpoint.Uri, _model) switch
            {
                LocalAIException translated => translated,
                _ => new BackendProtocolException($"The OpenAI-compatible server at {_endpoint.Uri} failed mid-stream: {ex.Message}", ex) { BackendId = _errors.BackendId },
            };
        }

        if (!has)
        {
            _callerToken.ThrowIfCancellationRequested();
            if (_idle.IsCancellationRequested)
            {
                throw _errors.Timeout(_endpoint.Uri, _idleTimeout, streaming: true);
            }

            if (!_finished)
            {
                throw _errors.EndedWithoutFinish(_endpoint.Uri);
            }

            return false;
        }

        var update = _enumerator.Current;
        _finished |= update.FinishReason is not null;

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
        }
    }
}
