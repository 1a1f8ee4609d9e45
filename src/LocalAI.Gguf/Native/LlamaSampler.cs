using System.Text;

namespace LocalAI.Gguf;

/// <summary>Picks the next token: the llama.cpp sampler chain, and for a grammar the grammar sampler, checked on the chosen token first and applied to
/// every candidate only when that token breaks the grammar (checking 30k+ candidates per token is what makes grammars slow).</summary>
internal sealed unsafe class LlamaSampler : IDisposable
{
    private const int PenaltyWindow = 64;

    private readonly SafeLlamaSamplerHandle _chain;
    private readonly SafeLlamaSamplerHandle? _grammar;
    private readonly LlamaTokenData[] _candidates;

    private LlamaSampler(SafeLlamaSamplerHandle chain, SafeLlamaSamplerHandle? grammar, int vocabularySize)
    {
        _chain = chain;
        _grammar = grammar;
        _candidates = grammar is null ? [] : new LlamaTokenData[vocabularySize];
    }

    /// <summary>Builds the sampler chain for <paramref name="settings"/>: penalties, then greedy, or top-k, top-p, temperature and a seeded draw.</summary>
    /// <param name="model">The model whose vocabulary is sampled.</param>
    /// <param name="settings">What to sample with.</param>
    /// <returns>The sampler.</returns>
    /// <exception cref="LocalAIException">llama.cpp refused the grammar or a sampler.</exception>
    public static LlamaSampler Create(LlamaModel model, SamplerSettings settings)
    {
        var parameters = LlamaApi.llama_sampler_chain_default_params();
        parameters.NoPerf = true;
        var chain = new SafeLlamaSamplerHandle(LlamaApi.llama_sampler_chain_init(parameters));
        SafeLlamaSamplerHandle? grammar = null;
        try
        {
            if (settings.FrequencyPenalty != 0f || settings.PresencePenalty != 0f)
            {
                Add(chain, LlamaApi.llama_sampler_init_penalties(model.VocabSize, PenaltyWindow, 1.0f, settings.FrequencyPenalty, settings.PresencePenalty));
            }

            if (settings.Grammar is { } text)
            {
                var grammarText = Encoding.UTF8.GetBytes(text + "\0");
                var root = Encoding.UTF8.GetBytes(settings.GrammarRoot + "\0");
                nint sampler;
                fixed (byte* g = grammarText)
                fixed (byte* r = root)
                {
                    sampler = LlamaApi.llama_sampler_init_grammar(model.Vocab, g, r);
                }

                if (sampler == 0)
                {
                    throw new LocalAIException("llama.cpp rejected the grammar.");
                }

                grammar = new SafeLlamaSamplerHandle(sampler);
            }

            if (settings.Temperature <= 0f)
            {
                Add(chain, LlamaApi.llama_sampler_init_greedy());
                return new LlamaSampler(chain, grammar, model.VocabSize);
            }

            if (settings.TopK is { } topK and > 0)
            {
                Add(chain, LlamaApi.llama_sampler_init_top_k(topK));
            }

            if (settings.TopP is { } topP and > 0f and < 1f)
            {
                Add(chain, LlamaApi.llama_sampler_init_top_p(topP, 1));
            }

            Add(chain, LlamaApi.llama_sampler_init_temp(settings.Temperature));
            Add(chain, LlamaApi.llama_sampler_init_dist(settings.Seed));
            return new LlamaSampler(chain, grammar, model.VocabSize);
        }
        catch
        {
            grammar?.Dispose();
            chain.Dispose();
            throw;
        }
    }

    /// <summary>Samples the next token from the last logits of the context and accepts it into the samplers.</summary>
    /// <param name="context">The context that just decoded.</param>
    /// <returns>The token.</returns>
    public int Sample(LlamaContext context)
    {
        if (_grammar is null)
        {
            return LlamaApi.llama_sampler_sample(_chain.Pointer, context.Pointer, -1);
        }

        var logits = LlamaApi.llama_get_logits_ith(context.Pointer, -1);
        if (logits is null)
        {
            throw new LocalAIException("llama.cpp returned no logits for the last token.");
        }

        fixed (LlamaTokenData* data = _candidates)
        {
            var all = Fill(data, logits);
            LlamaApi.llama_sampler_apply(_chain.Pointer, &all);
            var token = data[all.Selected].Id;

            var single = new LlamaTokenData { Id = token, Logit = 1f };
            var one = new LlamaTokenDataArray { Data = &single, Size = 1, Selected = -1 };
            LlamaApi.llama_sampler_apply(_grammar.Pointer, &one);
            if (float.IsNegativeInfinity(single.Logit))
            {
                all = Fill(data, logits);
                LlamaApi.llama_sampler_apply(_grammar.Pointer, &all);
                LlamaApi.llama_sampler_apply(_chain.Pointer, &all);
                token = data[all.Selected].Id;
            }

            LlamaApi.llama_sampler_accept(_grammar.Pointer, token);
            LlamaApi.llama_sampler_accept(_chain.Pointer, token);
            return token;
        }
    }

    public void Dispose()
    {
        _grammar?.Dispose();
        _chain.Dispose();
    }

    private static void Add(SafeLlamaSamplerHandle chain, nint sampler)
    {
        if (sampler == 0)
        {
            throw new LocalAIException("llama.cpp could not create a sampler.");
        }

        LlamaApi.llama_sampler_chain_add(chain.Pointer, sampler);
    }

    private LlamaTokenDataArray Fill(LlamaTokenData* data, float* logits)
    {
        for (var i = 0; i < _candidates.Length; i++)
        {
            data[i] = new LlamaTokenData { Id = i, Logit = logits[i] };
        }

        return new LlamaTokenDataArray { Data = data, Size = (nuint)_candidates.Length, Selected = -1 };
    }
}
