using System.Net;

namespace LocalAI.Ollama;

/// <summary>Ties a response body to the request's cancellation token, so that cancelling (a timeout, the caller) also interrupts a read that waits for the next streamed line.</summary>
internal sealed class CancellableResponseHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = ResponseCancellation.Token;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (token.CanBeCanceled)
        {
            response.Content = new CancellableContent(response.Content, token);
        }

        return response;
    }

    /// <summary>The original content, whose stream is disposed when the token is cancelled.</summary>
    private sealed class CancellableContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly CancellationToken _cancellationToken;
        private CancellationTokenRegistration _registration;

        public CancellableContent(HttpContent inner, CancellationToken cancellationToken)
        {
            _inner = inner;
            _cancellationToken = cancellationToken;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            var stream = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            _registration = _cancellationToken.Register(static s => ((Stream)s!).Dispose(), stream);
            return stream;
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(stream, context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _registration.Dispose();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
