using LocalAI.Rag;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalAI.AspNetCore;

/// <summary>
/// <c>POST /v1/chat/completions</c>: one answer as JSON, or with <c>stream: true</c> the answer's chunks as Server-Sent Events ending with <c>data: [DONE]</c>.
/// With <c>localai_rag: true</c> the answer goes through a <see cref="RagChatClient"/> over the registered <see cref="RagIndex"/>, and the passages it was given
/// come back as <c>localai_citations</c> (of the answer, or of the first chunk).
/// </summary>
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
        if (request.Rag == true)
        {
            chat = new RagChatClient(chat, RagEndpoints.IndexOf(context), context.RequestServices.GetService<RagChatOptions>(), context.RequestServices.GetService<ILogger<RagChatClient>>());
        }

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
            Citations = ChatCitation.From(response.AdditionalProperties),
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
