using System.Net;

namespace LocalAI.Ollama;

/// <summary>Keeps the server's own words and ties a response body to the request's cancellation: an error status becomes an <see cref="HttpRequestException"/> carrying the body's <c>error</c> text, a streamed <c>{"error": ...}</c> line becomes an <see cref="OllamaErrorLineException"/>, and cancelling (a timeout, the caller) interrupts a read that waits for the next line.</summary>
internal sealed class OllamaResponseHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxErrorBodyChars = 2000;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = ResponseCancellation.Token;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var words = await ReadServerWordsAsync(response, cancellationToken).ConfigureAwait(false);
                throw new HttpRequestException(HttpRequestError.Unknown, words, null, response.StatusCode);
            }
        }

        var lines = string.Equals(response.Content.Headers.ContentType?.MediaType, "application/x-ndjson", StringComparison.OrdinalIgnoreCase);
        if (token.CanBeCanceled || lines)
        {
            response.Content = new CheckedContent(response.Content, token, lines);
        }

        return response;
    }

    /// <summary>Returns the <c>error</c> text of Ollama's error body, else the body itself (shortened), else the status.</summary>
    private static async Task<string> ReadServerWordsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = string.Empty;
        }

        if (OllamaErrorLineException.TryReadError(body) is { } error)
        {
            return error;
        }

        body = body.Trim();
        if (body.Length == 0)
        {
            return $"{(int)response.StatusCode} {response.ReasonPhrase}, with no error text";
        }

        return body.Length <= MaxErrorBodyChars ? body : body[..MaxErrorBodyChars] + "…";
    }

    /// <summary>The original content, whose stream checks each line for an error object and is disposed when the token is cancelled.</summary>
    private sealed class CheckedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly CancellationToken _cancellationToken;
        private readonly bool _checkLines;
        private CancellationTokenRegistration _registration;

        public CheckedContent(HttpContent inner, CancellationToken cancellationToken, bool checkLines)
        {
            _inner = inner;
            _cancellationToken = cancellationToken;
            _checkLines = checkLines;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            var stream = await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (_checkLines)
            {
                stream = new ErrorLineStream(stream);
            }

            if (_cancellationToken.CanBeCanceled)
            {
                _registration = _cancellationToken.Register(static s => ((Stream)s!).Dispose(), stream);
            }

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
