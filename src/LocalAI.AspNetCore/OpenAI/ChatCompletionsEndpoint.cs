using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary><c>POST /v1/chat/completions</c>: one answer as JSON, or with <c>stream: true</c> the answer's chunks as Server-Sent Events ending with <c>data: [DONE]</c>.</summary>
internal static class ChatCompletionsEndpoint
{
    public static Task HandleAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static (c, ct) => RespondAsync(c, ct));

    private static async Task RespondAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestRunner.ReadJsonAsync(context, OpenAIJsonContext.Default.ChatCompletionRequest, cancellationToken).ConfigureAwait(false);
        var (messages, options) = ChatRequestMapper.Map(request);
        await context.RequestServices.GetRequiredService<ModelDirectory>().EnsureKnownAsync(options.ModelId, cancellationToken).ConfigureAwait(false);
        var chat = context.RequestServices.GetRequiredService<IChatClient>();
        var time = context.RequestServices.GetRequiredService<RequestRunner>().Time;
        if (request.Stream == true)
        {
            await ChatStreamWriter.WriteAsync(context, chat, messages, options, request.StreamOptions?.IncludeUsage == true, time, cancellationToken).ConfigureAwait(false);
            return;
        }

        var response = await chat.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var backend = ServerHeaders.BackendOf(response.AdditionalProperties);
        if (backend is not null)
        {
            context.Response.Headers[ServerHeaders.Backend] = backend;
        }

        var body = new ChatCompletionResponse
        {
            Id = NewId(),
            Created = time.GetUtcNow().ToUnixTimeSeconds(),
            Model = response.ModelId ?? options.ModelId ?? backend ?? "local",
            Choices =
            [
                new ChatChoiceResponse
                {
                    Message = new ChatMessageResponse { Role = "assistant", Content = response.Text },
                    FinishReason = FinishReason(response.FinishReason),
                },
            ],
            Usage = Usage(response.Usage),
            Backend = backend,
        };
        await RequestRunner.WriteJsonAsync(context, body, OpenAIJsonContext.Default.ChatCompletionResponse).ConfigureAwait(false);
    }

    public static string NewId() => "chatcmpl-" + Guid.NewGuid().ToString("N");

    public static string FinishReason(ChatFinishReason? reason) =>
        reason == ChatFinishReason.Length ? "length"
        : reason == ChatFinishReason.ContentFilter ? "content_filter"
        : reason == ChatFinishReason.ToolCalls ? "tool_calls"
        : "stop";

    public static UsageResponse? Usage(UsageDetails? usage) => usage is null ? null : new UsageResponse
    {
        PromptTokens = usage.InputTokenCount ?? 0,
        CompletionTokens = usage.OutputTokenCount ?? 0,
        TotalTokens = usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)),
    };
}
