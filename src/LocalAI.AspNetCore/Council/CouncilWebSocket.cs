using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LocalAI.Council;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary>
/// <c>/api/council/ws</c>: the client sends one text message, a <see cref="CouncilSessionRequest"/>; the server answers with the session's
/// events, one JSON text message each (the same JSON as the server-sent events, <c>type</c> first), then closes. A failed session or a bad
/// request ends with a <c>{"type":"error"}</c> message; the client closing the socket stops every generation.
/// </summary>
internal static class CouncilWebSocket
{
    public static Task HandleAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static (c, ct) => RespondAsync(c, ct));

    private static async Task RespondAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw new HttpError(StatusCodes.Status400BadRequest,
                "This endpoint speaks WebSocket: connect with a WebSocket client and send the council request as the first text message; POST /api/council/stream serves the same events as server-sent events.",
                code: "websocket_required");
        }

        var runner = context.RequestServices.GetRequiredService<RequestRunner>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CouncilLease lease;
        CouncilSessionRequest request;
        try
        {
            var first = await ReceiveAsync(socket, runner.Options.MaxWebSocketMessageBytes, cancellationToken).ConfigureAwait(false);
            if (first is null)
            {
                return;
            }

            request = JsonSerializer.Deserialize(first, ApiJsonContext.Default.CouncilSessionRequest)
                ?? throw new HttpError(StatusCodes.Status400BadRequest, "The first message must be a JSON object: the council request.", code: "invalid_json");
            lease = CouncilSessionFactory.Create(request, context.RequestServices);
        }
        catch (WebSocketException)
        {
            Log.WebSocketClosed(runner.Logger, context.Request.Path);
            return;
        }
        catch (Exception ex) when (ex is JsonException or HttpError)
        {
            var error = ErrorMapping.From(ex);
            await SendAsync(socket, CouncilErrorEvent.From(error), ApiJsonContext.Default.CouncilErrorEvent, cancellationToken).ConfigureAwait(false);
            var status = error.Status == StatusCodes.Status413PayloadTooLarge ? WebSocketCloseStatus.MessageTooBig : WebSocketCloseStatus.InvalidPayloadData;
            await socket.CloseAsync(status, error.Code, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (lease)
        {
            // Whatever the client sends next is ignored; its close (or a dropped connection) stops the session.
            var watcher = WatchForCloseAsync(socket, session);
            try
            {
                await CouncilEventPump.RunAsync(
                    lease.Council,
                    request.Question!,
                    // Sends use the request's token, not the session's: a cancelled send would abort the socket before the close is answered.
                    (e, _) => SendAsync(socket, e, CouncilJsonContext.Default.CouncilEvent, cancellationToken),
                    (error, _) => SendAsync(socket, error, ApiJsonContext.Default.CouncilErrorEvent, cancellationToken),
                    runner.Logger,
                    session.Token).ConfigureAwait(false);
            }
            catch (Exception) when (session.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // The client closed or dropped the socket: whatever the stopped session ended with (cancellation, a quorum
                // lost to cancelled opinions) is nobody's to read.
                Log.WebSocketClosed(runner.Logger, context.Request.Path);
                if (socket.State == WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session stopped", cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "session ended", cancellationToken).ConfigureAwait(false);
            }

            await watcher.ConfigureAwait(false);
        }
    }

    /// <summary>Reads one whole text message; <see langword="null"/> when the client closed first.</summary>
    private static async Task<byte[]?> ReceiveAsync(WebSocket socket, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(1024), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                return null;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > maxBytes)
            {
                throw new HttpError(StatusCodes.Status413PayloadTooLarge,
                    $"The message is larger than the server accepts ({maxBytes} bytes, LocalAIServerOptions.MaxWebSocketMessageBytes).", code: "request_too_large");
            }

            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Text
                    ? buffer.WrittenSpan.ToArray()
                    : throw new HttpError(StatusCodes.Status400BadRequest, "Send the council request as a text message of JSON.", code: "invalid_json");
            }
        }
    }

    private static async Task WatchForCloseAsync(WebSocket socket, CancellationTokenSource session)
    {
        var buffer = new byte[256];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer, session.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The connection dropped, or the request ended: either way the session stops below.
        }

        await session.CancelAsync().ConfigureAwait(false);
    }

    private static async ValueTask SendAsync<T>(WebSocket socket, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }
}
