using Microsoft.AspNetCore.Http;

namespace LocalAI.AspNetCore;

/// <summary>A request the server refuses with an OpenAI-shaped error: the status, the error type, the field at fault and a code.</summary>
internal sealed class HttpError : Exception
{
    public HttpError(int status, string message, string? param = null, string? code = null, string? type = null, IReadOnlyList<BackendReason>? backends = null)
        : base(message)
    {
        Status = status;
        Param = param;
        Code = code;
        Type = type ?? TypeOf(status);
        Backends = backends;
    }

    public HttpError()
        : this(StatusCodes.Status500InternalServerError, "Internal server error.")
    {
    }

    public HttpError(string message)
        : this(StatusCodes.Status400BadRequest, message)
    {
    }

    public HttpError(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status400BadRequest;
        Type = TypeOf(Status);
    }

    public int Status { get; }

    public string? Param { get; }

    public string? Code { get; }

    public string Type { get; }

    public IReadOnlyList<BackendReason>? Backends { get; }

    public static HttpError BadRequest(string? param, string message, string code = "invalid_value") =>
        new(StatusCodes.Status400BadRequest, message, param, code);

    public ErrorResponse ToResponse() => new()
    {
        Error = new ErrorBody { Message = Message, Type = Type, Param = Param, Code = Code, Backends = Backends },
    };

    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status404NotFound => "invalid_request_error",
        StatusCodes.Status413PayloadTooLarge => "invalid_request_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        < 500 => "invalid_request_error",
        _ => "server_error",
    };
}
