using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LocalAI.AspNetCore;

/// <summary>Writes Server-Sent Events (<c>data: &lt;json&gt;</c> lines) straight into the response pipe, one flush per event.</summary>
/// <remarks>The flush completes only when the transport has taken the bytes (Kestrel pauses it past its response buffer), so a slow reader slows the producer instead of growing a buffer.</remarks>
internal sealed class SseWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly PipeWriter _pipe;
    private readonly Utf8JsonWriter _json;

    private SseWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _json = new Utf8JsonWriter(pipe, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Sends the event-stream headers and returns the writer.</summary>
    public static SseWriter Start(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new SseWriter(response.BodyWriter);
    }

    /// <summary>Writes one <c>data:</c> event holding <paramref name="value"/> as JSON, and flushes it.</summary>
    public ValueTask WriteAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        _pipe.Write(DataPrefix);
        _json.Reset(_pipe);
        JsonSerializer.Serialize(_json, value, typeInfo);
        _json.Flush();
        _pipe.Write(EventEnd);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes a named event (<c>event: name</c> then <c>data:</c>), as the council stream uses.</summary>
    public ValueTask WriteEventAsync<T>(string name, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        _pipe.Write("event: "u8);
        _pipe.Write(System.Text.Encoding.UTF8.GetBytes(name));
        _pipe.Write("\n"u8);
        return WriteAsync(value, typeInfo, cancellationToken);
    }

    /// <summary>Writes OpenAI's end-of-stream marker, <c>data: [DONE]</c>.</summary>
    public ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        _pipe.Write(Done);
        return FlushAsync(cancellationToken);
    }

    private ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var flush = _pipe.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            Check(flush.Result, cancellationToken);
            return default;
        }

        return AwaitFlushAsync(flush, cancellationToken);
    }

    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush, CancellationToken cancellationToken) =>
        Check(await flush.ConfigureAwait(false), cancellationToken);

    private static void Check(FlushResult result, CancellationToken cancellationToken)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            // The transport is gone: the client closed the connection.
            throw new OperationCanceledException("The client closed the event stream.", cancellationToken);
        }
    }
}
