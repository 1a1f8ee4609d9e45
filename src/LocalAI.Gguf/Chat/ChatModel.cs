using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>One chat model loaded once and shared: a pool of contexts up to the configured parallelism, with prompt-prefix reuse.</summary>
internal sealed class ChatModel : IDisposable
{
    private readonly LlamaModel _model;
    private readonly GgufBackendOptions _options;
    private readonly SemaphoreSlim _gate;
    private readonly List<ContextSlot> _idle = [];
    private readonly Lock _sync = new();
    private readonly string _template;
    private int _created;
    private int _active;
    private bool _disposed;

    public ChatModel(LlamaModel model, GgufBackendOptions options, string backendId)
    {
        _model = model;
        _options = options;
        BackendId = backendId;
        _gate = new SemaphoreSlim(options.MaxParallelRequests, options.MaxParallelRequests);
        _template = PickTemplate(model.ChatTemplate, options.FallbackChatTemplate);
        ModelId = Path.GetFileName(model.File.Path);
    }

    public string ModelId { get; }

    public string BackendId { get; }

    public LlamaModel Model => _model;

    public string Template => _template;

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        var prompt = BuildPrompt(messages, chatOptions);
        var maxOutput = chatOptions?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        if (maxOutput <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chatOptions), maxOutput, "MaxOutputTokens must be positive.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ContextSlot slot;
        try
        {
            slot = Acquire(prompt);
        }
        catch
        {
            _gate.Release();
            throw;
        }

        var request = new GenerationRequest(prompt, chatOptions, maxOutput, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        var consistent = false;
        try
        {
            var reused = await Task.Run(() => Prefill(slot, prompt, cancellationToken), cancellationToken).ConfigureAwait(false);
            consistent = true;
            var context = slot.Context;
            var json = chatOptions?.ResponseFormat is ChatResponseFormatJson;
            using var sampler = SamplerFactory.Create(_model, chatOptions, json);
            var text = new OutputText(chatOptions?.StopSequences);
            var closer = json ? new JsonCloser() : null;
            var piece = new byte[64];
            var generated = 0;
            ChatFinishReason finish;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (generated >= maxOutput || slot.Cached.Count >= context.Size)
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
                        yield return Update(request, emit);
                    }

                    finish = ChatFinishReason.Stop;
                    break;
                }

                consistent = false;
                context.DecodeOne(token);
                slot.Cached.Add(token);
                consistent = true;
                if (emit.Length > 0)
                {
                    closer?.Append(emit);
                    yield return Update(request, emit);
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
                yield return Update(request, rest);
            }

            var last = Update(request, null);
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
                slot.Cached.Clear();
                slot.Context.ClearMemory();
            }

            Release(slot);
            _gate.Release();
        }
    }

    /// <summary>Evaluates the prompt, reusing the longest prefix the context's memory already holds.</summary>
    /// <returns>How many prompt tokens were reused.</returns>
    private int Prefill(ContextSlot slot, int[] prompt, CancellationToken cancellationToken)
    {
        var context = slot.Context;
        if (prompt.Length >= context.Size)
        {
            throw new LocalAIException($"The prompt is {prompt.Length} tokens, more than the context of {context.Size} tokens holds. Raise ContextSize or shorten the conversation.");
        }

        var reused = _options.EnablePrefixCache ? Math.Min(slot.CommonPrefix(prompt), prompt.Length - 1) : 0;
        if (!context.TruncateMemory(reused))
        {
            reused = 0;
        }

        slot.Cached.RemoveRange(reused, slot.Cached.Count - reused);
        context.Decode(prompt.AsSpan(reused), cancellationToken);
        slot.Cached.AddRange(prompt.AsSpan(reused));
        return reused;
    }

    private ChatResponseUpdate Update(GenerationRequest request, string? text)
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, text is null ? [] : [new TextContent(text)])
        {
            ResponseId = request.Id,
            MessageId = request.Id,
            ModelId = ModelId,
            CreatedAt = request.CreatedAt,
        };
        return update;
    }

    private ContextSlot Acquire(int[] prompt)
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active++;
            if (_idle.Count > 0)
            {
                // The idle context whose memory shares the longest prefix with this prompt.
                var best = 0;
                var bestLength = -1;
                for (var i = 0; i < _idle.Count; i++)
                {
                    var length = _idle[i].CommonPrefix(prompt);
                    if (length > bestLength)
                    {
                        best = i;
                        bestLength = length;
                    }
                }

                if (bestLength > 0 || _created >= _options.MaxParallelRequests)
                {
                    var slot = _idle[best];
                    _idle.RemoveAt(best);
                    return slot;
                }
            }

            try
            {
                var context = _model.CreateContext(ContextParameters());
                _created++;
                return new ContextSlot(context);
            }
            catch
            {
                _active--;
                throw;
            }
        }
    }

    private void Release(ContextSlot slot)
    {
        var freeModel = false;
        lock (_sync)
        {
            _active--;
            if (_disposed)
            {
                slot.Dispose();
                freeModel = _active == 0;
            }
            else
            {
                _idle.Add(slot);
            }
        }

        if (freeModel)
        {
            _model.Dispose();
        }
    }

    private LlamaContextParams ContextParameters()
    {
        var p = LlamaApi.llama_context_default_params();
        var size = _model.TrainedContextLength > 0 ? Math.Min(_options.ContextSize, _model.TrainedContextLength) : _options.ContextSize;
        p.NCtx = (uint)size;
        p.NBatch = (uint)Math.Min(_options.BatchSize, size);
        p.NUbatch = p.NBatch;
        p.NSeqMax = 1;
        p.NThreads = _options.Threads;
        p.NThreadsBatch = _options.Threads;
        p.NoPerf = false;
        return p;
    }

    private static string PickTemplate(string? fromModel, string fallback)
    {
        if (!string.IsNullOrEmpty(fromModel) && LlamaModel.ApplyTemplate(fromModel, [("user", "x")], true) is not null)
        {
            return fromModel;
        }

        return fallback;
    }

    public void Dispose()
    {
        List<ContextSlot> toFree;
        bool freeModel;
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            toFree = [.. _idle];
            _idle.Clear();
            freeModel = _active == 0;
        }

        foreach (var slot in toFree)
        {
            slot.Dispose();
        }

        if (freeModel)
        {
            _model.Dispose();
        }

    }
}
