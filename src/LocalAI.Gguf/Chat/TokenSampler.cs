namespace LocalAI.Gguf;

/// <summary>Picks the next token: the sampler chain, and for JSON the grammar, checked on the chosen token first and applied to
/// every candidate only when that token breaks the grammar (checking 30k+ candidates per token is what makes grammars slow).</summary>
internal sealed unsafe class TokenSampler : IDisposable
{
    private readonly SafeLlamaSamplerHandle _chain;
    private readonly SafeLlamaSamplerHandle? _grammar;
    private readonly LlamaTokenData[] _candidates;

    public TokenSampler(SafeLlamaSamplerHandle chain, SafeLlamaSamplerHandle? grammar, int vocabularySize)
    {
        _chain = chain;
        _grammar = grammar;
        _candidates = grammar is null ? [] : new LlamaTokenData[vocabularySize];
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

    private LlamaTokenDataArray Fill(LlamaTokenData* data, float* logits)
    {
        for (var i = 0; i < _candidates.Length; i++)
        {
            data[i] = new LlamaTokenData { Id = i, Logit = logits[i] };
        }

        return new LlamaTokenDataArray { Data = data, Size = (nuint)_candidates.Length, Selected = -1 };
    }

    public void Dispose()
    {
        _grammar?.Dispose();
        _chain.Dispose();
    }
}
