using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>One chat model loaded once and shared by every client of the backend: its contexts in a <see cref="ContextPool"/>, with prompt-prefix reuse.</summary>
internal sealed class ChatModel : IDisposable
{
    private readonly LlamaModel _model;
    private readonly GgufBackendOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ContextPool _pool;
    private readonly string _template;

    public ChatModel(LlamaModel model, GgufBackendOptions options, TimeProvider timeProvider)
    {
        _model = model;
        _options = options;
        _timeProvider = timeProvider;
        _pool = new ContextPool(model, options.MaxParallelRequests, m => m.CreateContext(options.ContextSize, options.BatchSize, options.Threads));
        _template = PickTemplate(model.ChatTemplate, options.FallbackChatTemplate);
        ModelId = Path.GetFileName(model.File.Path);
    }

    public string ModelId { get; }

    /// <summary>Formats the conversation with the model's chat template and tokenizes it.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">The options (their instructions become a leading system message).</param>
    /// <returns>The prompt tokens.</returns>
    public int[] BuildPrompt(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions)
    {
        var turns = new List<(string Role, string Content)>();
        if (!string.IsNullOrEmpty(chatOptions?.Instructions))
        {
            turns.Add(("system", chatOptions.Instructions));
        }

        foreach (var message in messages)
        {
            turns.Add((message.Role.Value, message.Text));
        }

        var prompt = LlamaModel.ApplyTemplate(_template, turns, addAssistant: true)
            ?? throw new LocalAIException($"llama.cpp does not recognise the chat template of '{ModelId}'. Set GgufBackendOptions.FallbackChatTemplate to a built-in name such as chatml, llama3 or gemma.");
        return _model.Tokenize(prompt, addSpecial: true, parseSpecial: true);
    }

    /// <summary>Generates a reply; after the prompt is evaluated on the thread pool, each token is decoded and handed to the consumer on the same thread, with no hand-off per token.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="chatOptions">The request options.</param>
    /// <param name="cancellationToken">Checked before every token and between prompt batches.</param>
    /// <returns>The updates: text pieces, then one with the finish reason and usage.</returns>
    public async IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = BuildPrompt(messages, chatOptions);
        var maxOutput = chatOptions?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        if (maxOutput <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chatOptions), maxOutput, "MaxOutputTokens must be positive.");
        }

        // Compiled before any work, so a schema the grammar cannot express fails at once.
        var closer = StructuredOutput.For(chatOptions?.ResponseFormat);

        using var lease = await _pool.LeaseAsync(prompt, cancellationToken).ConfigureAwait(false);
        var id = Guid.NewGuid().ToString("N");
        var createdAt = _timeProvider.GetUtcNow();
        var consistent = false;
        try
        {
            var reused = await Task.Run(() => Prefill(lease, prompt, cancellationToken), cancellationToken).ConfigureAwait(false);
            consistent = true;
            var context = lease.Context;
            using var sampler = LlamaSampler.Create(_model, SamplerSettings.From(chatOptions, closer?.Grammar));
            var text = new OutputText(chatOptions?.StopSequences);
            var piece = new byte[64];
            var generated = 0;
            ChatFinishReason finish;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (generated >= maxOutput || lease.CachedTokens.Count >= context.Size)
                {
                    finish = ChatFinishReason.Length;
                    break;
                }

                consistent = false;
                var token = sampler.Sample(context);
                consistent = true;
                generated++;
                if (_model.IsEndOfGeneration(token))
                {
                    finish = ChatFinishReason.Stop;
                    break;
                }

                var length = _model.TokenToPiece(token, ref piece);
                var emit = text.Append(piece.AsSpan(0, length), out var stopped);
                if (stopped)
                {
                    if (emit.Length > 0)
                    {
                        closer?.Append(emit);
                        yield return Update(id, createdAt, emit);
                    }

                    finish = ChatFinishReason.Stop;
                    break;
                }

                consistent = false;
                context.DecodeOne(token);
                lease.CachedTokens.Add(token);
                consistent = true;
                if (emit.Length > 0)
                {
                    closer?.Append(emit);
                    yield return Update(id, createdAt, emit);
                }
            }

            var rest = text.Flush();
            if (closer is not null)
            {
                closer.Append(rest);
                rest += closer.Close();
            }

            if (rest.Length > 0)
            {
                yield return Update(id, createdAt, rest);
            }

            var last = Update(id, createdAt, null);
            last.FinishReason = finish;
            last.Contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = prompt.Length,
                CachedInputTokenCount = reused,
                OutputTokenCount = generated,
                TotalTokenCount = prompt.Length + generated,
            }));
            yield return last;
        }
        finally
        {
            if (!consistent)
            {
                // A native call failed or was interrupted: the memory may hold a partly decoded batch.
                lease.Forget();
            }
        }
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Evaluates the prompt, reusing the longest prefix the context's memory already holds.</summary>
    /// <returns>How many prompt tokens were reused.</returns>
    private int Prefill(ContextLease lease, int[] prompt, CancellationToken cancellationToken)
    {
        var context = lease.Context;
        if (prompt.Length >= context.Size)
        {
            throw new LocalAIException($"The prompt is {prompt.Length} tokens, more than the context of {context.Size} tokens holds. Raise ContextSize or shorten the conversation.");
        }

        var reused = _options.EnablePrefixCache ? Math.Min(lease.CommonPrefix(prompt), prompt.Length - 1) : 0;
        if (!context.TruncateMemory(reused))
        {
            reused = 0;
        }

        lease.CachedTokens.RemoveRange(reused, lease.CachedTokens.Count - reused);
        context.Decode(prompt.AsSpan(reused), cancellationToken);
        lease.CachedTokens.AddRange(prompt.AsSpan(reused));
        return reused;
    }

    private ChatResponseUpdate Update(string id, DateTimeOffset createdAt, string? text) =>
        new(ChatRole.Assistant, text is null ? [] : [new TextContent(text)])
        {
            ResponseId = id,
            MessageId = id,
            ModelId = ModelId,
            CreatedAt = createdAt,
        };

    private static string PickTemplate(string? fromModel, string fallback) =>
        !string.IsNullOrEmpty(fromModel) && LlamaModel.ApplyTemplate(fromModel, [("user", "x")], true) is not null ? fromModel : fallback;
}
