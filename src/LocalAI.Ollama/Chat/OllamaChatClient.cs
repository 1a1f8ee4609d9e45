using System.Globalization;
using System.Runtime.CompilerServices;
using LocalAI.Ollama.Endpoints;
using Microsoft.Extensions.AI;
using OllamaSharp.Models;
using OllamaSharp.Models.Chat;

namespace LocalAI.Ollama.Chat;

/// <summary>The Ollama <see cref="IChatClient"/>: OllamaSharp's client on the least busy endpoint, with <c>num_ctx</c> and <c>keep_alive</c> filled in, timeouts that fit local generation, and failures in the LocalAI exception family.</summary>
internal sealed class OllamaChatClient : IChatClient
{
    /// <summary>The key of the endpoint that served a response in <see cref="ChatResponse.AdditionalProperties"/>.</summary>
    public const string EndpointKey = "ollama.endpoint";

    private readonly OllamaEndpointPool _pool;
    private readonly string _backendId;
    private readonly string _model;
    private readonly TimeSpan _timeout;
    private readonly int? _contextSize;
    private readonly string? _keepAlive;
    private readonly ChatClientMetadata _metadata;

    public OllamaChatClient(OllamaEndpointPool pool, OllamaOptions options, string model)
    {
        _pool = pool;
        _backendId = options.Id;
        _model = model;
        _timeout = options.GenerationTimeout;
        _contextSize = options.ContextSize;
        _keepAlive = FormatKeepAlive(options.KeepAlive);
        _metadata = new ChatClientMetadata(options.Id, pool.Endpoints[0].Uri, model);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = Prepare(options);
        return _pool.RunAsync(
            _backendId,
            _timeout,
            prepared.ModelId,
            async (endpoint, token) =>
            {
                var response = await endpoint.ChatClient.GetResponseAsync(messages, prepared, token).ConfigureAwait(false);
                (response.AdditionalProperties ??= [])[EndpointKey] = endpoint.Uri.ToString();
                return response;
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = Prepare(options);
        var stream = await OpenStreamAsync(messages, prepared, cancellationToken).ConfigureAwait(false);
        try
        {
            yield return stream.Current;
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
        // The endpoints belong to the backend.
    }

    internal static string? FormatKeepAlive(TimeSpan? keepAlive) => keepAlive switch
    {
        null => null,
        { } k when k < TimeSpan.Zero => "-1",
        { } k => ((long)k.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
    };

    /// <summary>Opens a stream on the least busy endpoint and reads its first update; a connection refused before that moves to the next endpoint.</summary>
    private async Task<OllamaStream> OpenStreamAsync(IEnumerable<ChatMessage> messages, ChatOptions prepared, CancellationToken cancellationToken)
    {
        List<OllamaEndpoint>? tried = null;
        while (true)
        {
            var lease = await AcquireAsync(tried, cancellationToken).ConfigureAwait(false);
            var stream = new OllamaStream(lease, _backendId, _timeout, _pool.TimeProvider, prepared.ModelId, cancellationToken);
            try
            {
                stream.Start(messages, prepared);
                if (!await stream.MoveNextAsync().ConfigureAwait(false))
                {
                    throw new BackendProtocolException($"Ollama at {lease.Endpoint.Uri} ended the stream without sending anything.") { BackendId = _backendId };
                }

                return stream;
            }
            catch (LocalAIException ex) when (ex.InnerException is { } inner && OllamaErrors.IsConnectFailure(inner) && (tried?.Count ?? 0) + 1 < _pool.Endpoints.Count)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                lease.MarkDown();
                (tried ??= []).Add(lease.Endpoint);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async ValueTask<EndpointLease> AcquireAsync(List<OllamaEndpoint>? tried, CancellationToken cancellationToken) =>
        await _pool.AcquireAsync(tried, cancellationToken).ConfigureAwait(false)
        ?? throw new BackendUnavailableException($"No Ollama endpoint of backend '{_backendId}' is left to try.") { BackendId = _backendId };

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
