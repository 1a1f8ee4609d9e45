using LocalAI.Gguf.Tests.Fixtures;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class LlamaContextTests(ModelFixture fixture)
{
    [Fact]
    public void Decode_with_a_cancelled_token_is_aborted_inside_llama_decode_and_the_context_stays_usable()
    {
        LlamaLibrary.EnsureLoaded(null);
        using var model = LlamaModel.Load(fixture.ChatModelPath);
        using var context = model.CreateContext(contextSize: 256, batchSize: 64, threads: 1);
        var tokens = model.Tokenize("The quick brown fox jumps over the lazy dog, again and again.", addSpecial: true, parseSpecial: false);

        // The flag is raised before the first graph node runs: only the native abort callback can stop this decode.
        var ex = Assert.ThrowsAny<OperationCanceledException>(() => context.Decode(tokens, new CancellationToken(canceled: true)));
        Assert.Equal("Decoding was cancelled.", ex.Message);

        context.ClearMemory();
        context.Decode(tokens);
        Assert.Equal(tokens.Length - 1, LlamaApi.llama_memory_seq_pos_max(context.Memory, 0));
    }
}
