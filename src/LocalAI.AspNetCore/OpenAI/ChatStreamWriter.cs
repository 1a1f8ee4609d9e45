using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary>Writes a streamed chat answer as OpenAI's Server-Sent Events, flushing each chunk; a slow reader back-pressures the backend through the flush.</summary>
internal static class ChatStreamWriter
{
    public static async Task WriteAsync(
        HttpContext context, IChatClient chat, List<ChatMessage> messages, ChatOptions options, bool includeUsage, TimeProvider time, CancellationToken cancellationToken)
    {
        var updates = chat.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            // The first update is awaited before anything is written, so a failure to start is still an HTTP error status.
            var any = await updates.MoveNextAsync().ConfigureAwait(false);
            var first = any ? updates.Current : null;
            var backend = ServerHeaders.BackendOf(first?.AdditionalProperties);
            var response = context.Response;
            if (backend is not null)
            {
                response.Headers[ServerHeaders.Backend] = backend;
            }

            var sse = SseWriter.Start(context);
            var chunk = new ChatCompletionChunk
            {
                Id = ChatCompletionsEndpoint.NewId(),
                Created = time.GetUtcNow().ToUnixTimeSeconds(),
                Model = first?.ModelId ?? options.ModelId ?? backend ?? "local",
                Choices = [new ChatChunkChoice()],
                Backend = backend,
                Citations = ChatCitation.From(first?.AdditionalProperties),
            };
            var choice = chunk.Choices[0];
            choice.Delta.Role = "assistant";
            choice.Delta.Content = string.Empty;
            ChatFinishReason? finish = null;
            UsageDetails? usage = null;
            var pendingRole = true;
            try
            {
                while (any)
                {
                    var update = updates.Current;
                    finish = update.FinishReason ?? finish;
                    var text = Collect(update, ref usage);
                    if (text.Length > 0 || pendingRole)
                    {
                        choice.Delta.Content = text;
                        await sse.WriteAsync(chunk, OpenAIJsonContext.Default.ChatCompletionChunk, cancellationToken).ConfigureAwait(false);
                        if (pendingRole)
                        {
                            pendingRole = false;
                            choice.Delta.Role = null;
                            chunk.Citations = null;
                        }
                    }

                    any = await updates.MoveNextAsync().ConfigureAwait(false);
                }

                choice.Delta.Content = null;
                choice.FinishReason = ChatCompletionsEndpoint.FinishReason(finish);
                await sse.WriteAsync(chunk, OpenAIJsonContext.Default.ChatCompletionChunk, cancellationToken).ConfigureAwait(false);
                if (includeUsage)
                {
                    chunk.Choices.Clear();
                    chunk.Usage = ChatCompletionsEndpoint.Usage(usage) ?? new UsageResponse();
                    await sse.WriteAsync(chunk, OpenAIJsonContext.Default.ChatCompletionChunk, cancellationToken).ConfigureAwait(false);
                }

                await sse.WriteDoneAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
            {
                // After the first chunk the status is sent; OpenAI's convention is an error event, then the stream ends.
                Log.StreamFailed(context.RequestServices.GetRequiredService<RequestRunner>().Logger, ex, context.Request.Method, context.Request.Path);
                var error = ex is OperationCanceledException ? ErrorMapping.Timeout() : ErrorMapping.From(ex);
                await sse.WriteAsync(error.ToResponse(), OpenAIJsonContext.Default.ErrorResponse, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static string Collect(ChatResponseUpdate update, ref UsageDetails? usage)
    {
        string? single = null;
        System.Text.StringBuilder? many = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent { Text: { Length: > 0 } text }:
                    if (single is null)
                    {
                        single = text;
                    }
                    else
                    {
                        (many ??= new System.Text.StringBuilder(single)).Append(text);
                    }

                    break;
                case UsageContent u:
                    usage = u.Details;
                    break;
            }
        }

        return many?.ToString() ?? single ?? string.Empty;
    }
}
