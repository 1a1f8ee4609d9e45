using System.Net;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace LocalAI.Ollama;

/// <summary>One Ollama server: its HTTP connection pool and OllamaSharp client; its slots and circuit are kept by the backend's <see cref="EndpointPool{TEndpoint}"/>.</summary>
internal sealed class OllamaEndpoint : IDisposable
{
    private readonly HttpClient _http;

    public OllamaEndpoint(Uri uri, TimeSpan connectTimeout, string defaultModel)
    {
        Uri = uri;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };

        // No HttpClient-wide timeout: generation is bounded per request, and a stream is bounded per token.
        _http = new HttpClient(new OllamaResponseHandler(handler), disposeHandler: true) { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan };
        Client = new OllamaApiClient(_http, defaultModel);
        ChatClient = Client;
        EmbeddingGenerator = Client;
    }

    public Uri Uri { get; }

    public OllamaApiClient Client { get; }

    public IChatClient ChatClient { get; }

    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator { get; }

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
    }
}
