using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalAI.Rag;

/// <summary>
/// A chat middleware that retrieves passages for the last user message and inserts, before it, a system message with the
/// instructions and a message (user role by default, <see cref="RagChatOptions.ContextRole"/>) holding the passages
/// between tags that carry a random code drawn per request; it returns the citations in
/// <see cref="ChatResponse.AdditionalProperties"/> under <see cref="RagChatOptions.CitationsKey"/>.
/// </summary>
public sealed class RagChatClient : DelegatingChatClient
{
    private readonly RagIndex _index;
    private readonly RagChatOptions _options;
    private readonly RagContextBuilder _contextBuilder;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RagChatClient"/> class.</summary>
    /// <param name="innerClient">The chat client that answers.</param>
    /// <param name="index">The index to retrieve from.</param>
    /// <param name="options">Retrieval and context settings.</param>
    /// <param name="logger">The logger.</param>
    public RagChatClient(IChatClient innerClient, RagIndex index, RagChatOptions? options = null, ILogger<RagChatClient>? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new RagChatOptions();
        _contextBuilder = new RagContextBuilder(index.TokenCounter, _options.Context);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (augmented, context) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
        if (context is not null)
        {
            (response.AdditionalProperties ??= [])[RagChatOptions.CitationsKey] = context.Citations;
        }

        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var (augmented, context) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var first = true;
        await foreach (var update in base.GetStreamingResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false))
        {
            if (first && context is not null)
            {
                (update.AdditionalProperties ??= [])[RagChatOptions.CitationsKey] = context.Citations;
            }

            first = false;
            yield return update;
        }
    }

    private async Task<(List<ChatMessage> Messages, RagContext? Context)> AugmentAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var list = messages.ToList();
        var last = list.FindLastIndex(m => m.Role == ChatRole.User);
        if (last < 0 || string.IsNullOrWhiteSpace(list[last].Text))
        {
            return (list, null);
        }

        var hits = await _index.SearchAsync(list[last].Text, _options.Search, cancellationToken).ConfigureAwait(false);
        var context = _contextBuilder.Build(hits);
        Log.Retrieved(_logger, context.Citations.Count);
        var passages = context.Citations.Count == 0 ? "(no passage was found)" : context.Text;
        var boundary = RagContextBoundary.For(passages);
        var separate = _options.ContextRole != ChatRole.System;
        var instructions = _options.Instructions + "\n" + boundary.Describe(nextMessage: separate);
        var delimited = boundary.Wrap(passages);
        if (!separate)
        {
            list.Insert(last, new ChatMessage(ChatRole.System, instructions + "\n" + delimited));
        }
        else
        {
            list.Insert(last, new ChatMessage(_options.ContextRole, delimited));
            list.Insert(last, new ChatMessage(ChatRole.System, instructions));
        }

        return (list, context);
    }
}
