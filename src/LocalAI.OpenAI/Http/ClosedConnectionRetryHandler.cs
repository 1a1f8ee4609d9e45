namespace LocalAI.OpenAI;

/// <summary>Sends a request once more, on a new connection, when the server closed the kept-alive connection it went out on before answering anything.</summary>
/// <remarks>
/// llama-server (cpp-httplib) closes a connection after 100 requests and after a few idle seconds; a request that races that close fails with
/// <see cref="HttpRequestError.ResponseEnded"/> before any header arrives, so the server never saw it. Anything else is not retried here.
/// </remarks>
internal sealed class ClosedConnectionRetryHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded && !cancellationToken.IsCancellationRequested)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
