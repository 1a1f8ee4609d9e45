using System.Net;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace LocalAI.Ollama;

/// <summary>One Ollama server: its client, its concurrency limit and whether it is skipped after refusing a connection.</summary>
internal sealed class OllamaEndpoint : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly HttpClient _http;
    private int _pending;
    private long _downUntilTicks;

    public OllamaEndpoint(Uri uri, int maxConcurrency, TimeSpan connectTimeout, string defaultModel)
    {
        Uri = uri;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };

        // No HttpClient-wide timeout: generation is bounded per request, and a stream is bounded per token.
        _http = new HttpClient(new CancellableResponseHandler(handler), disposeHandler: true) { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan };
        Client = new OllamaApiClient(_http, defaultModel);
        ChatClient = Client;
        EmbeddingGenerator = Client;
    }

    public Uri Uri { get; }

    public OllamaApiClient Client { get; }

    public IChatClient ChatClient { get; }

    public IEmbeddingGenerator<string, Embedding<float>> EmbeddingGenerator { get; }

    /// <summary>Gets the requests holding or waiting for a slot on this endpoint.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public bool IsDown(DateTimeOffset now) => now.UtcTicks < Interlocked.Read(ref _downUntilTicks);

    public void MarkDown(DateTimeOffset until) => Interlocked.Exchange(ref _downUntilTicks, until.UtcTicks);

    public void MarkUp() => Interlocked.Exchange(ref _downUntilTicks, 0);

    public void AddPending() => Interlocked.Increment(ref _pending);

    public void RemovePending() => Interlocked.Decrement(ref _pending);

    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose()
    {
        Client.Dispose();
        _http.Dispose();
        _slots.Dispose();
    }
}
