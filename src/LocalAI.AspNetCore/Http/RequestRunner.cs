using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LocalAI.AspNetCore;

/// <summary>Runs every request of the LocalAI endpoints: API key, body size limit, CORS, per-request timeout, and the mapping of failures to OpenAI-shaped errors.</summary>
internal sealed class RequestRunner
{
    private readonly LocalAIServerOptions _options;
    private readonly byte[]? _keyHash;
    private readonly HashSet<string> _origins;
    private readonly bool _anyOrigin;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RequestRunner(IOptions<LocalAIServerOptions> options, ILogger<RequestRunner> logger, TimeProvider time)
    {
        _options = options.Value;
        _keyHash = string.IsNullOrEmpty(_options.ApiKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(_options.ApiKey));
        _origins = new HashSet<string>(_options.CorsOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _anyOrigin = _origins.Contains("*");
        _logger = logger;
        _time = time;
    }

    public LocalAIServerOptions Options => _options;

    public ILogger Logger => _logger;

    public TimeProvider Time => _time;

    /// <summary>Runs <paramref name="handler"/> for the request, with a token that fires when the client goes away or the request times out.</summary>
    public async Task RunAsync(HttpContext context, Func<HttpContext, CancellationToken, Task> handler)
    {
        AddCorsHeaders(context);
        if (!IsAuthorized(context))
        {
            Log.Unauthorized(_logger, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteErrorAsync(context, new HttpError(StatusCodes.Status401Unauthorized,
                "This server requires an API key: send it as 'Authorization: Bearer <key>'.", code: "invalid_api_key")).ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = _options.MaxRequestBodyBytes;
        }

        if (context.Request.ContentLength > _options.MaxRequestBodyBytes)
        {
            await WriteErrorAsync(context, ErrorMapping.From(new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge))).ConfigureAwait(false);
            return;
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, timeout.Token);
        try
        {
            await handler(context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientDisconnected(_logger, context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = ErrorMapping.ClientClosedRequest;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Log.TimedOut(_logger, context.Request.Method, context.Request.Path, _options.RequestTimeout);
            if (!context.Response.HasStarted)
            {
                await WriteErrorAsync(context, ErrorMapping.Timeout()).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var error = ErrorMapping.From(ex);
            if (error.Status >= StatusCodes.Status500InternalServerError && ex is not LocalAIException)
            {
                Log.RequestCrashed(_logger, ex, context.Request.Method, context.Request.Path);
            }
            else
            {
                Log.RequestFailed(_logger, context.Request.Method, context.Request.Path, error.Status, error.Message);
            }

            await WriteErrorAsync(context, error).ConfigureAwait(false);
        }
    }

    /// <summary>Answers a CORS preflight request for the LocalAI endpoints.</summary>
    public Task PreflightAsync(HttpContext context)
    {
        if (!AddCorsHeaders(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var headers = context.Response.Headers;
        headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
        headers.AccessControlAllowHeaders = "Authorization, Content-Type";
        headers.AccessControlMaxAge = "600";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>Reads the request body as <typeparamref name="T"/>; a missing or malformed body is a 400 naming the field.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class =>
        await JsonSerializer.DeserializeAsync(context.Request.Body, typeInfo, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpError(StatusCodes.Status400BadRequest, "The request body must be a JSON object.", code: "invalid_json");

    /// <summary>Writes <paramref name="value"/> as the JSON answer, with its length: serialized into a pooled buffer first (of <paramref name="expectedBytes"/>, grown if need be), then sent in one write.</summary>
    /// <remarks>Against serializing into the response as it goes, the answer is not chunked and goes out in one flush, where a large one (an embeddings
    /// answer is 50 KB) went out in a flush per 16 KB; and a failure while serializing is still an error status, not a cut-off body.</remarks>
    public static async Task WriteJsonAsync<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo, int status = StatusCodes.Status200OK, int expectedBytes = 4096)
    {
        using var buffer = new PooledBufferWriter(expectedBytes);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = typeInfo.Options.Encoder }))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenMemory.Length;
        await response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes an OpenAI-shaped error with its status.</summary>
    public static Task WriteErrorAsync(HttpContext context, HttpError error) =>
        WriteJsonAsync(context, error.ToResponse(), OpenAIJsonContext.Default.ErrorResponse, error.Status);

    private bool IsAuthorized(HttpContext context)
    {
        if (_keyHash is null || HttpMethods.IsOptions(context.Request.Method))
        {
            return true;
        }

        string? presented = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header[7..].Trim();
        }
        else if (context.WebSockets.IsWebSocketRequest)
        {
            // Browsers cannot set headers on a WebSocket; the key may come as a query parameter there.
            presented = context.Request.Query["api_key"].ToString();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        // Hashing first makes the comparison constant-time whatever the presented key's length.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _keyHash);
    }

    private bool AddCorsHeaders(HttpContext context)
    {
        if (_origins.Count == 0)
        {
            return false;
        }

        var origin = context.Request.Headers[HeaderNames.Origin].ToString();
        if (origin.Length == 0 || !(_anyOrigin || _origins.Contains(origin)))
        {
            return false;
        }

        context.Response.Headers.AccessControlAllowOrigin = _anyOrigin ? "*" : origin;
        context.Response.Headers.Vary = HeaderNames.Origin;
        context.Response.Headers.AccessControlExposeHeaders = ServerHeaders.Backend;
        return true;
    }
}
