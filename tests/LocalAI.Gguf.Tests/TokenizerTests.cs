using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing.Gguf;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class TokenizerTests
{
    [Theory]
    [InlineData("llama-spm")]
    [InlineData("bert-bge")]
    public void Tokenize_matches_reference_tokenizations(string vocabulary)
    {
        var path = TinyModels.VocabPath(vocabulary);
        LlamaLibrary.EnsureLoaded(null);
        using var model = LlamaModel.Load(path, vocabOnly: true);
        var inputs = File.ReadAllText(path + ".inp").Split("\n__ggml_vocab_test__\n");
        var outputs = File.ReadAllLines(path + ".out");
        Assert.True(inputs.Length >= outputs.Length - 1 && outputs.Length > 20, $"{inputs.Length} inputs, {outputs.Length} outputs");

        for (var i = 0; i < outputs.Length; i++)
        {
            var expected = outputs[i].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            var actual = model.Tokenize(inputs[i], addSpecial: false, parseSpecial: false);
            Assert.True(expected.SequenceEqual(actual), $"case {i} '{inputs[i]}': expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
        }
    }
}
