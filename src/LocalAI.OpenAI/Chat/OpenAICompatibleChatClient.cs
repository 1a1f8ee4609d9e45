using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.OpenAI;

/// <summary>The chat client of an OpenAI-compatible server: Microsoft.Extensions.AI's OpenAI client, with the default model filled in, timeouts that fit local generation, and failures in the LocalAI exception family.</summary>
internal sealed class OpenAICompatibleChatClient : IChatClient
{
    /// <summary>The key of the server that served a response in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string EndpointKey = "openai.endpoint";

    private readonly OpenAIEndpoint _endpoint;
    private readonly OpenAIErrors _errors;
    private readonly TimeProvider _timeProvider;
    private readonly string? _model;
    private readonly bool _checkModels;
    private readonly TimeSpan _timeout;
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(OpenAIEndpoint endpoint, OpenAIErrors errors, OpenAICompatibleBackendOptions options, TimeProvider timeProvider, string? model)
    {
        _endpoint = endpoint;
        _errors = errors;
        _timeProvider = timeProvider;
        _model = model;
        _checkModels = options.CheckModels;
        _timeout = options.GenerationTimeout;
        _metadata = new ChatClientMetadata(errors.BackendId, endpoint.Uri, model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var prepared = Prepare(options);
        using var limit = new CancellationTokenSource(_timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            prepared.ModelId = await ResolveModelAsync(prepared.ModelId, linked.Token).ConfigureAwait(false);
            var response = await _endpoint.ChatClient(prepared.ModelId).GetResponseAsync(checkedMessages, prepared, linked.Token).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[EndpointKey] = _endpoint.Uri.ToString();
            return response;
        }
        catch (Exception ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw _errors.Timeout(_endpoint.Uri, _timeout, streaming: false, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw _errors.Translate(ex, _endpoint.Uri, prepared.ModelId);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var prepared = Prepare(options);
        using (var limit = new CancellationTokenSource(_timeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token))
        {
            try
            {
                prepared.ModelId = await ResolveModelAsync(prepared.ModelId, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw _errors.Timeout(_endpoint.Uri, _timeout, streaming: false, ex);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw _errors.Translate(ex, _endpoint.Uri, prepared.ModelId);
            }
        }

        var stream = new OpenAIChatStream(_endpoint, _errors, _timeout, _timeProvider, prepared.ModelId, cancellationToken);
        try
        {
            stream.Start(checkedMessages, prepared);
            while (await stream.MoveNextAsync().ConfigureAwait(false))
            {
                yield return stream.Current;
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        // The endpoint belongs to the backend.
    }

    /// <summary>Checks the model against the server's list (unless <see cref="OpenAICompatibleBackendOptions.CheckModels"/> is off), or picks the server's only model when none is named.</summary>
    private async Task<string> ResolveModelAsync(string? model, CancellationToken cancellationToken) =>
        _checkModels ? await _endpoint.Catalog.ResolveAsync(model, _errors, _endpoint.Uri, cancellationToken).ConfigureAwait(false) : model!;

    private ChatOptions Prepare(ChatOptions? options)
    {
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ModelId ??= _model;
        return prepared;
    }
}
