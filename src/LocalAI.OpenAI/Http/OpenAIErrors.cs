using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;

namespace LocalAI.OpenAI;

/// <summary>Turns what the OpenAI client and HttpClient throw into the LocalAI exception family, keeping the server's own error message and naming the backend's configuration keys.</summary>
/// <param name="backendId">The backend the errors are reported for.</param>
/// <param name="configurationKey">The configuration section of the backend, for example <c>LocalAI:openai</c>.</param>
internal sealed class OpenAIErrors(string backendId, string configurationKey)
{
    private const int MaxBodyInMessage = 500;

    public string BackendId { get; } = backendId;

    public string ConfigurationKey { get; } = configurationKey;

    /// <summary>Returns whether the failure happened before the server accepted the request (refused, unreachable, connect timeout), so another endpoint may take it.</summary>
    public static bool IsConnectFailure(Exception exception) => exception switch
    {
        ClientResultException { Status: 0, InnerException: { } inner } => IsConnectFailure(inner),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        HttpRequestException { StatusCode: null, InnerException: SocketException } => true,
        SocketException => true,
        LocalAIException { InnerException: { } inner } => IsConnectFailure(inner),
        _ => false,
    };

    /// <summary>Returns whether a failure is the endpoint's own (refused, unreachable, 5xx, 408, 429, a dropped connection, a malformed or empty stream), so the request may go to another endpoint; a missing model, a rejected key or a refused request is the request's.</summary>
    /// <param name="exception">The failure, translated or not.</param>
    /// <param name="firstTokenTimeout"><see langword="true"/> where a time-out means no first token came (a stream); a whole request that ran out of time is not sent again.</param>
    public static bool IsEndpointFault(Exception exception, bool firstTokenTimeout) => exception switch
    {
        ModelNotFoundException => false,
        LocalAIException { InnerException: TimeoutException } => firstTokenTimeout,
        LocalAIException { InnerException: { } inner } => IsEndpointFault(inner, firstTokenTimeout),
        LocalAIException => true,
        ClientResultException { Status: 0, InnerException: { } inner } => IsEndpointFault(inner, firstTokenTimeout),
        ClientResultException result when RefusesMedia(result) => false,
        ClientResultException { Status: var status } => status is 408 or 429 or >= 500,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500,
        HttpRequestException or IOException or SocketException or JsonException or FormatException => true,
        _ => false,
    };

    public Exception Translate(Exception exception, Uri endpoint, string? model)
    {
        switch (exception)
        {
            case LocalAIException:
                return exception;
            case ClientResultException { Status: 0, InnerException: { } inner }:
                return Translate(inner, endpoint, model) switch
                {
                    LocalAIException translated when ReferenceEquals(translated.InnerException, inner) => Rewrap(translated, exception),
                    var other => other,
                };
            case ClientResultException result:
                return FromStatus(result, endpoint, model);
            case HttpRequestException http when IsConnectFailure(http):
                return new BackendUnavailableException(
                    $"The OpenAI-compatible server at {endpoint} could not be reached ({http.Message}). Start it (for example 'llama-server -m model.gguf --port 8080') or point {ConfigurationKey}:Endpoint at a running server.", exception)
                { BackendId = BackendId };
            case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse } http:
                return Truncated(endpoint, http);
            case HttpRequestException http:
                return new BackendUnavailableException($"The OpenAI-compatible server at {endpoint} failed: {http.Message}", exception) { BackendId = BackendId };
            case JsonException or FormatException:
                return new BackendProtocolException($"The OpenAI-compatible server at {endpoint} sent a malformed response or event stream ({exception.Message}).", exception) { BackendId = BackendId };
            case IOException io:
                return Truncated(endpoint, io);
            case SocketException socket:
                return new BackendUnavailableException($"The OpenAI-compatible server at {endpoint} could not be reached ({socket.Message}).", exception) { BackendId = BackendId };
            default:
                return exception;
        }
    }

    /// <summary>Describes a request or stream abandoned at its time limit; <paramref name="cause"/> is what the cancellation interrupted.</summary>
    public BackendUnavailableException Timeout(Uri endpoint, TimeSpan timeout, bool streaming, Exception? cause = null) =>
        new(streaming
            ? $"The OpenAI-compatible server at {endpoint} sent no token for {timeout}; the stream was abandoned. Raise {ConfigurationKey}:GenerationTimeout if the model is that slow."
            : $"The OpenAI-compatible server at {endpoint} did not finish within {timeout}. Raise {ConfigurationKey}:GenerationTimeout for long generations, or stream the response.",
            new TimeoutException($"No answer within {timeout}.", cause))
        { BackendId = BackendId };

    /// <summary>Describes a stream that ended without the finish reason every OpenAI-compatible server sends last.</summary>
    public BackendProtocolException EndedWithoutFinish(Uri endpoint) =>
        new($"The OpenAI-compatible server at {endpoint} ended the stream before its finish reason; the response is incomplete. The server may have crashed; check its log.") { BackendId = BackendId };

    /// <summary>Describes a model the server does not list, or a request that names none where the server lists several.</summary>
    public ModelNotFoundException ModelNotListed(string? model, IReadOnlyList<string> listed, Uri endpoint)
    {
        var models = listed.Count == 0 ? "no models" : string.Join(", ", listed.Select(m => $"'{m}'"));
        return model is null
            ? new ModelNotFoundException(
                $"No model was named for backend '{BackendId}', and the server at {endpoint} lists {models}. Set {ConfigurationKey}:DefaultModel (or EmbeddingModel), or name one in the request.")
            { BackendId = BackendId }
            : new ModelNotFoundException(model, BackendId, $"The server at {endpoint} lists {models} at GET /v1/models; name one of them, or start the server with this model.");
    }

    /// <summary>Describes an embedding response whose vectors do not match the texts or each other.</summary>
    public BackendProtocolException BadEmbeddings(Uri endpoint, string detail) =>
        new($"The OpenAI-compatible server at {endpoint} sent unusable embeddings: {detail}.") { BackendId = BackendId };

    /// <summary>Reads the server's own message from an OpenAI-style error body (<c>{"error":{"message":...}}</c>), else the body itself, shortened.</summary>
    internal static (string Message, string? Code) ServerMessage(ClientResultException exception)
    {
        string? body = null;
        try
        {
            body = exception.GetRawResponse()?.Content?.ToString();
        }
        catch (InvalidOperationException)
        {
            // The body of a streamed response was not buffered.
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return (FirstLine(exception.Message), null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : root;
            if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                string? code = null;
                if (error.TryGetProperty("code", out var c) && c.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    code = c.ToString();
                }
                else if (error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    code = t.GetString();
                }

                return (message.GetString() ?? string.Empty, code);
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return (error.GetString() ?? string.Empty, null);
            }
        }
        catch (JsonException)
        {
            // Not JSON: an HTML error page or plain text; quoted as it is.
        }

        body = body.Trim();
        return (body.Length <= MaxBodyInMessage ? body : body[..MaxBodyInMessage] + "…", null);
    }

    /// <summary>Returns whether the server refused an image (or audio, or video) part because its model takes none: llama-server without <c>--mmproj</c> answers 500 "image input is not supported".</summary>
    internal static bool RefusesMedia(ClientResultException exception) => exception.Status >= 400 && RefusesMedia(ServerMessage(exception).Message);

    private static bool RefusesMedia(string serverMessage) => serverMessage.Contains("input is not supported", StringComparison.OrdinalIgnoreCase);

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }

    private static LocalAIException Rewrap(LocalAIException translated, Exception outer) => translated switch
    {
        BackendProtocolException protocol => new BackendProtocolException(protocol.Message, outer) { BackendId = protocol.BackendId, ErrorCode = protocol.ErrorCode },
        BackendUnavailableException unavailable => new BackendUnavailableException(unavailable.Message, outer) { BackendId = unavailable.BackendId },
        _ => translated,
    };

    private BackendProtocolException Truncated(Uri endpoint, Exception exception) =>
        new($"The OpenAI-compatible server at {endpoint} closed the connection before the response was complete ({exception.Message}). The server may have crashed; check its log.", exception)
        { BackendId = BackendId };

    private LocalAIException FromStatus(ClientResultException exception, Uri endpoint, string? model)
    {
        var status = exception.Status;
        var (message, code) = ServerMessage(exception);
        var said = $"HTTP {status}: {message}";
        if (RefusesMedia(message))
        {
            return new BackendProtocolException(
                $"The OpenAI-compatible server at {endpoint} does not take images in chat messages ({said}). Start llama-server with --mmproj <projector.gguf> beside its model, name a vision model, or send text only.", exception)
            { BackendId = BackendId, ErrorCode = code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        switch (status)
        {
            case 401 or 403:
                return new BackendUnavailableException(
                    $"The OpenAI-compatible server at {endpoint} rejected the API key ({said}). Set {ConfigurationKey}:ApiKey to the key the server was started with (llama-server and vLLM: --api-key).", exception)
                { BackendId = BackendId };
            case 404 when model is not null:
                return new ModelNotFoundException(model, BackendId, $"The server at {endpoint} answered {said}. Its models are listed at GET /v1/models (ListModelsAsync).", exception);
            case 404:
                return new BackendUnavailableException(
                    $"The OpenAI-compatible server at {endpoint} answered {said}. Check that {ConfigurationKey}:Endpoint includes the API's version path (for example http://127.0.0.1:8080/v1).", exception)
                { BackendId = BackendId };
            case 408 or 429 or >= 500:
                return new BackendUnavailableException($"The OpenAI-compatible server at {endpoint} could not serve the request ({said}).", exception) { BackendId = BackendId };
            default:
                return new BackendProtocolException($"The OpenAI-compatible server at {endpoint} refused the request ({said}).", exception) { BackendId = BackendId, ErrorCode = code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }
}
