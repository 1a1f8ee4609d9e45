using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace LocalAI.Ollama;

/// <summary>The Ollama <see cref="IChatClient"/>: OllamaSharp's client on the least busy endpoint, with <c>num_ctx</c> and <c>keep_alive</c> filled in, timeouts that fit local generation, and failures in the LocalAI exception family.</summary>
internal sealed class OllamaChatClient : IChatClient
{
    /// <summary>The key of the endpoint that served a response in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string EndpointKey = "ollama.endpoint";

    private readonly OllamaEndpointPool _pool;
    private readonly string _model;
    private readonly TimeSpan _timeout;
    private readonly int? _contextSize;
    private readonly string? _keepAlive;
    private readonly ChatClientMetadata _metadata;

    public OllamaChatClient(OllamaEndpointPool pool, OllamaBackendOptions options, string model)
    {
        _pool = pool;
        _model = model;
        _timeout = options.GenerationTimeout;
        _contextSize = options.ContextSize;
        _keepAlive = OllamaKeepAlive.Format(options.KeepAlive);
        _metadata = new ChatClientMetadata(pool.Errors.BackendId, pool.Endpoints[0].Uri, model);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var prepared = Prepare(options);
        return _pool.RunAsync(
            _timeout,
            prepared.ModelId,
            async (endpoint, token) =>
            {
                var response = await endpoint.ChatClient.GetResponseAsync(checkedMessages, prepared, token).ConfigureAwait(false);
                (response.AdditionalProperties ??= [])[EndpointKey] = endpoint.Uri.ToString();
                return response;
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var checkedMessages = ChatRequestValidation.Validate(messages, options);
        var prepared = Prepare(options);
        await foreach (var update in _pool.StreamAsync(checkedMessages, prepared, _timeout, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => BackendClientServices.Get(this, _metadata, serviceType, serviceKey);

    public void Dispose()
    {
        // The endpoints belong to the backend.
    }

    /// <summary>Fills in the default model, and the backend's <c>num_ctx</c> and <c>keep_alive</c> unless the request sets them.</summary>
    private ChatOptions Prepare(ChatOptions? options)
    {
        var prepared = options?.Clone() ?? new ChatOptions();
        prepared.ModelId ??= _model;
        if (_contextSize is null && _keepAlive is null)
        {
            return prepared;
        }

        var callerFactory = prepared.RawRepresentationFactory;
        var contextSize = _contextSize;
        var keepAlive = _keepAlive;
        prepared.RawRepresentationFactory = client =>
        {
            var request = callerFactory?.Invoke(client) as ChatRequest ?? new ChatRequest();
            request.Options ??= new RequestOptions();
            request.Options.NumCtx ??= contextSize;
            request.KeepAlive ??= keepAlive;
            return request;
        };
        return prepared;
    }
}
