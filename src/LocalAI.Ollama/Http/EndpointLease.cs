namespace LocalAI.Ollama;

/// <summary>A slot on one endpoint, held for the length of one request.</summary>
internal sealed class EndpointLease(OllamaEndpointPool pool, OllamaEndpoint endpoint) : IDisposable
{
    private int _released;

    public OllamaEndpoint Endpoint { get; } = endpoint;

    /// <summary>Records that the endpoint refused or dropped the connection, so the next requests go elsewhere for a while.</summary>
    public void MarkDown() => pool.MarkDown(Endpoint);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Endpoint.Release();
            Endpoint.RemovePending();
        }
    }
}
