using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LocalAI.OpenAI;

/// <summary>One OpenAI-compatible server: the official OpenAI client over an HttpClient of our own (no retries, no client-wide timeout), and its chat and embedding clients per model.</summary>
internal sealed class OpenAIEndpoint : IDisposable
{
    private readonly HttpClient _http;
    private readonly OpenAIClient _client;
    private readonly ConcurrentDictionary<string, IChatClient> _chatClients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IEmbeddingGenerator<string, Embedding<float>>> _embeddingGenerators = new(StringComparer.Ordinal);

    public OpenAIEndpoint(Uri uri, string? apiKey, TimeSpan connectTimeout)
    {
        Uri = uri;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };

        // No HttpClient-wide timeout and no retries in the client: generation is bounded per request, a stream per token,
        // and the router decides where a failed request goes next.
        _http = new HttpClient(new ClosedConnectionRetryHandler(handler), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new OpenAIClientOptions
        {
            Endpoint = uri,
            Transport = new HttpClientPipelineTransport(_http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromDays(1),
        };
        if (apiKey is null)
        {
            options.AddPolicy(AnonymousRequestPolicy.Instance, PipelinePosition.BeforeTransport);
        }

        _client = new OpenAIClient(new ApiKeyCredential(apiKey ?? AnonymousRequestPolicy.PlaceholderKey), options);
        Catalog = new ModelCatalog(_client.GetOpenAIModelClient());
    }

    public Uri Uri { get; }

    /// <summary>Gets the models the server lists.</summary>
    public ModelCatalog Catalog { get; }

    public IChatClient ChatClient(string model) =>
        _chatClients.GetOrAdd(model, static (m, client) => client.GetChatClient(m).AsIChatClient(), _client);

    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator(string model) =>
        _embeddingGenerators.GetOrAdd(model, static (m, client) => client.GetEmbeddingClient(m).AsIEmbeddingGenerator(), _client);

    /// <summary>Asks the server's health path (relative to its root, for example <c>/health</c>).</summary>
    /// <returns>The response; the caller disposes it.</returns>
    public Task<HttpResponseMessage> GetAsync(string rootRelativePath, CancellationToken cancellationToken) =>
        _http.GetAsync(new Uri(Uri, rootRelativePath), HttpCompletionOption.ResponseContentRead, cancellationToken);

    public void Dispose()
    {
        foreach (var client in _chatClients.Values)
        {
            client.Dispose();
        }

        foreach (var generator in _embeddingGenerators.Values)
        {
            generator.Dispose();
        }

        Catalog.Dispose();
        _http.Dispose();
    }
}
