using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OllamaSharp.Models.Exceptions;

namespace LocalAI.Ollama;

/// <summary>Turns what OllamaSharp and HttpClient throw into the LocalAI exception family, with messages that say what to do and name the backend's configuration keys.</summary>
/// <param name="backendId">The backend the errors are reported for.</param>
/// <param name="configurationKey">The configuration section of the backend's client settings, for example <c>LocalAI:ollama</c>.</param>
internal sealed class OllamaErrors(string backendId, string configurationKey)
{
    public string BackendId { get; } = backendId;

    /// <summary>Returns whether the failure happened before the server accepted the request (refused, unreachable, connect timeout), so another endpoint may take it.</summary>
    public static bool IsConnectFailure(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        HttpRequestException { StatusCode: null, InnerException: SocketException } => true,
        SocketException => true,
        _ => false,
    };

    /// <summary>Returns whether a translated failure is the endpoint's fault, so the request may run again on another endpoint of the backend: a refused connection, an HTTP 5xx, a connection dropped or a stream ended before the response, an error line, and (for a stream) no first token in time.</summary>
    /// <param name="exception">What the attempt threw, already translated.</param>
    /// <param name="firstTokenTimeout">Whether a time-out counts: the first-token wait of a stream, not the whole-request limit of a non-streaming call.</param>
    public static bool IsEndpointFault(Exception exception, bool firstTokenTimeout) => exception switch
    {
        ModelNotFoundException => false,
        LocalAIException { InnerException: TimeoutException } => firstTokenTimeout,
        LocalAIException { InnerException: { } inner } => IsEndpointFault(inner, firstTokenTimeout),
        LocalAIException => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500,
        HttpRequestException => true,
        IOException or SocketException or System.Text.Json.JsonException => true,
        OllamaException => true,
        _ => false,
    };

    public Exception Translate(Exception exception, Uri endpoint, string? model)
    {
        switch (exception)
        {
            case LocalAIException:
                return exception;
            case HttpRequestException http when IsConnectFailure(http):
                return new BackendUnavailableException(
                    $"Ollama at {endpoint} could not be reached ({http.Message}). Start it with 'ollama serve' or point {configurationKey}:Endpoint at a running server.", exception)
                { BackendId = BackendId };
            case HttpRequestException { StatusCode: HttpStatusCode.NotFound } when model is not null:
                return ModelNotFound(model, exception);
            case HttpRequestException { StatusCode: { } status } http:
                return new BackendUnavailableException($"Ollama at {endpoint} answered HTTP {(int)status}: {http.Message}", exception) { BackendId = BackendId };
            case OllamaErrorLineException line when model is not null && line.Message.Contains("not found", StringComparison.OrdinalIgnoreCase):
                return ModelNotFound(model, exception);
            case OllamaErrorLineException line:
                return new BackendUnavailableException($"Ollama at {endpoint} reported an error: {line.Message}", exception) { BackendId = BackendId };
            case HttpRequestException http:
                return new BackendUnavailableException($"Ollama at {endpoint} failed: {http.Message}", exception) { BackendId = BackendId };
            case OllamaException ollama when model is not null && ollama.Message.Contains("not found", StringComparison.OrdinalIgnoreCase):
                return ModelNotFound(model, exception);
            case OllamaException ollama:
                return new BackendUnavailableException($"Ollama at {endpoint} reported an error: {ollama.Message}", exception) { BackendId = BackendId };
            case JsonException json:
                return new BackendProtocolException($"Ollama at {endpoint} sent a line that is not valid JSON ({json.Message}).", exception) { BackendId = BackendId };
            case IOException io:
                return new BackendProtocolException($"Ollama at {endpoint} closed the connection before the response was complete ({io.Message}). The server may have crashed; check its log.", exception) { BackendId = BackendId };
            case SocketException socket:
                return new BackendUnavailableException($"Ollama at {endpoint} could not be reached ({socket.Message}).", exception) { BackendId = BackendId };
            default:
                return exception;
        }
    }

    /// <summary>Describes a request or stream abandoned at its time limit; <paramref name="cause"/> is what the cancellation interrupted.</summary>
    public BackendUnavailableException Timeout(Uri endpoint, TimeSpan timeout, bool streaming, Exception? cause = null) =>
        new(streaming
            ? $"Ollama at {endpoint} sent no token for {timeout}; the stream was abandoned. Raise {configurationKey}:GenerationTimeout if the model is that slow."
            : $"Ollama at {endpoint} did not finish within {timeout}. Raise {configurationKey}:GenerationTimeout for long generations, or stream the response.",
            new TimeoutException($"No answer within {timeout}.", cause))
        { BackendId = BackendId };

    /// <summary>Describes a <c>/api/show</c> that did not answer in time while the embedding dimensions were learnt.</summary>
    public BackendUnavailableException DescribeTimedOut(string model, Exception cause) =>
        new($"Ollama did not describe embedding model '{model}' in time; set {configurationKey}:EmbeddingDimensions.", cause) { BackendId = BackendId };

    /// <summary>Describes a model whose description carries no embedding length (a chat model, for instance).</summary>
    public BackendProtocolException EmbeddingLengthMissing(string model) =>
        new($"Ollama did not report the embedding length of '{model}'; set {configurationKey}:EmbeddingDimensions.") { BackendId = BackendId };

    public BackendUnavailableException NoEndpointLeft() =>
        new($"No Ollama endpoint of backend '{BackendId}' is left to try.") { BackendId = BackendId };

    private ModelNotFoundException ModelNotFound(string model, Exception exception) =>
        new(model, BackendId, $"Pull it first: 'ollama pull {model}' or DownloadModelAsync(\"{model}\").", exception);
}
