using System.Text;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf;

/// <summary>Builds the llama.cpp sampler chain for a request's <see cref="ChatOptions"/>.</summary>
internal static unsafe class SamplerFactory
{
    public const float DefaultTemperature = 0.8f;
    private const int PenaltyWindow = 64;

    public static TokenSampler Create(LlamaModel model, ChatOptions? options, bool json)
    {
        var parameters = LlamaApi.llama_sampler_chain_default_params();
        parameters.NoPerf = true;
        var chain = new SafeLlamaSamplerHandle(LlamaApi.llama_sampler_chain_init(parameters));
        SafeLlamaSamplerHandle? grammar = null;
        try
        {
            var frequency = options?.FrequencyPenalty ?? 0f;
            var presence = options?.PresencePenalty ?? 0f;
            if (frequency != 0f || presence != 0f)
            {
                Add(chain, LlamaApi.llama_sampler_init_penalties(model.VocabSize, PenaltyWindow, 1.0f, frequency, presence));
            }

            if (json)
            {
                var grammarText = Encoding.UTF8.GetBytes(JsonGrammar.Text + "\0");
                var root = Encoding.UTF8.GetBytes(JsonGrammar.Root + "\0");
                nint sampler;
                fixed (byte* g = grammarText)
                fixed (byte* r = root)
                {
                    sampler = LlamaApi.llama_sampler_init_grammar(model.Vocab, g, r);
                }

                if (sampler == 0)
                {
                    throw new LocalAIException("llama.cpp rejected the JSON grammar.");
                }

                grammar = new SafeLlamaSamplerHandle(sampler);
            }

            var temperature = options?.Temperature ?? DefaultTemperature;
            if (temperature <= 0f)
            {
                Add(chain, LlamaApi.llama_sampler_init_greedy());
                return new TokenSampler(chain, grammar, model.VocabSize);
            }

            if (options?.TopK is { } topK and > 0)
            {
                Add(chain, LlamaApi.llama_sampler_init_top_k(topK));
            }

            if (options?.TopP is { } topP and > 0f and < 1f)
            {
                Add(chain, LlamaApi.llama_sampler_init_top_p(topP, 1));
            }

            Add(chain, LlamaApi.llama_sampler_init_temp(temperature));
            var seed = options?.Seed is { } s ? unchecked((uint)s ^ (uint)(s >> 32)) : (uint)Random.Shared.Next();
            Add(chain, LlamaApi.llama_sampler_init_dist(seed));
            return new TokenSampler(chain, grammar, model.VocabSize);
        }
        catch
        {
            grammar?.Dispose();
            chain.Dispose();
            throw;
        }
    }

    private static void Add(SafeLlamaSamplerHandle chain, nint sampler)
    {
        if (sampler == 0)
        {
            throw new LocalAIException("llama.cpp could not create a sampler.");
        }

        LlamaApi.llama_sampler_chain_add(chain.Pointer, sampler);
    }
}
