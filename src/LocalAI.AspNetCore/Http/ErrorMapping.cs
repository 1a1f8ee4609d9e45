using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LocalAI.AspNetCore;

/// <summary>Turns what a request handler threw into the OpenAI-shaped error and status a client should see.</summary>
internal static class ErrorMapping
{
    /// <summary>The status nginx made usual for "the client closed the request"; never seen by that client, but seen in logs.</summary>
    public const int ClientClosedRequest = 499;

    public static HttpError From(Exception exception) => exception switch
    {
        HttpError error => error,
        JsonException json => HttpError.BadRequest(ParamOf(json.Path), $"The request body is not valid JSON for this endpoint{At(json.Path)}: {FirstLine(json.Message)}", "invalid_json"),
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge =>
            new HttpError(StatusCodes.Status413PayloadTooLarge, "The request body is larger than the server accepts (LocalAIServerOptions.MaxRequestBodyBytes).", code: "request_too_large"),
        BadHttpRequestException bad => new HttpError(bad.StatusCode, FirstLine(bad.Message), code: "bad_request"),
        NoBackendAvailableException none when IsModelNotFound(none) is { } missing =>
            new HttpError(StatusCodes.Status404NotFound, missing.Message, "model", "model_not_found"),
        NoBackendAvailableException none => new HttpError(StatusCodes.Status503ServiceUnavailable, none.Message, code: "no_backend_available", backends: Reasons(none)),
        ModelNotFoundException missing => new HttpError(StatusCodes.Status404NotFound, missing.Message, "model", "model_not_found"),
        EmbeddingModelMismatchException mismatch => new HttpError(StatusCodes.Status503ServiceUnavailable, mismatch.Message, code: "embedding_model_mismatch",
            backends: mismatch.InnerException is NoBackendAvailableException inner ? Reasons(inner) : null),
        BackendUnavailableException unavailable => new HttpError(StatusCodes.Status503ServiceUnavailable, unavailable.Message, code: "backend_unavailable"),
        BackendProtocolException protocol => new HttpError(StatusCodes.Status502BadGateway, protocol.Message, code: protocol.ErrorCode ?? "backend_protocol_error"),
        LocalAI.Council.CouncilFailedException failed => new HttpError(StatusCodes.Status503ServiceUnavailable, failed.Message, code: "council_failed"),
        InvalidModelFileException invalid => new HttpError(StatusCodes.Status503ServiceUnavailable, invalid.Message, code: "invalid_model_file"),
        ArgumentException argument => new HttpError(StatusCodes.Status400BadRequest, argument.Message, argument.ParamName, "invalid_value"),
        NotSupportedException unsupported => new HttpError(StatusCodes.Status400BadRequest, unsupported.Message, code: "not_supported"),
        TimeoutException => Timeout(),
        _ => new HttpError(StatusCodes.Status500InternalServerError, "The server failed to process the request; its log has the details.", code: "internal_error"),
    };

    public static HttpError Timeout() =>
        new(StatusCodes.Status504GatewayTimeout, "The request took longer than the server allows (LocalAIServerOptions.RequestTimeout).", code: "timeout");

    /// <summary>Turns a JSON path (<c>$.messages[0].content</c>) into the field name OpenAI reports (<c>messages[0].content</c>).</summary>
    public static string? ParamOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string At(string? path) => ParamOf(path) is { } param ? $" (at '{param}')" : string.Empty;

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static ModelNotFoundException? IsModelNotFound(NoBackendAvailableException none)
    {
        ModelNotFoundException? first = null;
        foreach (var attempt in none.Attempts)
        {
            switch (attempt.Exception)
            {
                case ModelNotFoundException missing:
                    first ??= missing;
                    break;
                case null:
                    break;
                default:
                    return null;
            }
        }

        return first;
    }

    private static List<BackendReason> Reasons(NoBackendAvailableException none) =>
        none.Attempts.Select(a => new BackendReason(a.BackendId, a.Reason)).ToList();
}
