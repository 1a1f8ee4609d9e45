using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OllamaSharp.Models.Exceptions;

namespace LocalAI.Ollama.Chat;

/// <summary>Turns what OllamaSharp and HttpClient throw into the LocalAI exception family, with messages that say what to do.</summary>
internal static class OllamaErrors
{
    /// <summary>Returns whether the failure happened before the server accepted the request (refused, unreachable, connect timeout), so another endpoint may take it.</summary>
    public static bool IsConnectFailure(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        HttpRequestException { StatusCode: null, InnerException: SocketException } => true,
        SocketException => true,
        _ => false,
    };

    public static Exception Translate(Exception exception, string backendId, Uri endpoint, string? model)
    {
        switch (exception)
        {
            case LocalAIException:
                return exception;
            case HttpRequestException http when IsConnectFailure(http):
                return new BackendUnavailableException(
                    $"Ollama at {endpoint} could not be reached ({http.Message}). Start it with 'ollama serve' or point LocalAI:Ollama:Endpoint at a running server.", exception)
                { BackendId = backendId };
            case HttpRequestException { StatusCode: HttpStatusCode.NotFound } when model is not null:
                return new ModelNotFoundException(model, backendId, $"Pull it first: 'ollama pull {model}' or DownloadModelAsync(\"{model}\").", exception);
            case HttpRequestException { StatusCode: { } status } http:
                return new BackendUnavailableException($"Ollama at {endpoint} answered HTTP {(int)status} ({http.Message}).", exception) { BackendId = backendId };
            case HttpRequestException http:
                return new BackendUnavailableException($"Ollama at {endpoint} failed: {http.Message}", exception) { BackendId = backendId };
            case OllamaException ollama when model is not null && ollama.Message.Contains("not found", StringComparison.OrdinalIgnoreCase):
                return new ModelNotFoundException(model, backendId, $"Pull it first: 'ollama pull {model}' or DownloadModelAsync(\"{model}\").", exception);
            case OllamaException ollama:
                return new BackendUnavailableException($"Ollama at {endpoint} reported an error: {ollama.Message}", exception) { BackendId = backendId };
            case JsonException json:
                return new BackendProtocolException($"Ollama at {endpoint} sent a line that is not valid JSON ({json.Message}).", exception) { BackendId = backendId };
            case IOException io:
                return new BackendProtocolException($"Ollama at {endpoint} closed the connection before the response was complete ({io.Message}). The server may have crashed; check its log.", exception) { BackendId = backendId };
            case SocketException socket:
                return new BackendUnavailableException($"Ollama at {endpoint} could not be reached ({socket.Message}).", exception) { BackendId = backendId };
            default:
                return exception;
        }
    }

    public static BackendUnavailableException Timeout(string backendId, Uri endpoint, TimeSpan timeout, bool streaming) =>
        new(streaming
            ? $"Ollama at {endpoint} sent no token for {timeout}; the stream was abandoned. Raise LocalAI:Ollama:GenerationTimeout if the model is that slow."
            : $"Ollama at {endpoint} did not finish within {timeout}. Raise LocalAI:Ollama:GenerationTimeout for long generations, or stream the response.",
            new TimeoutException($"No answer within {timeout}."))
        { BackendId = backendId };
}
