using System.Text.Json.Nodes;
using LocalAI.Onnx.Tests.Support;
using LocalAI.Text;

namespace LocalAI.Onnx.Tests;

public sealed class SentenceEncoderConfigReaderTests : IDisposable
{
    private readonly TemporaryDirectory _folder = Fixtures.CopyTinyBert();

    private string Model => Path.Combine(_folder.Path, "tiny-bert-st");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_fixture_folder_reads_as_mean_pooling_normalised_128_tokens_uncased()
    {
        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });

        Assert.Equal("tiny-bert-st", config.ModelId);
        Assert.Equal(OnnxPoolingMode.Mean, config.Pooling);
        Assert.True(config.Normalize);
        Assert.Equal(128, config.MaxSequenceLength);
        Assert.Equal(32, config.Dimensions);
        Assert.Equal("bert", config.Family);
        Assert.Equal(30522, config.Vocabulary.Count);
        Assert.Equal(BertNormalizerSettings.Uncased, config.Tokenizer.Normalizer);
        Assert.Equal(("[CLS]", "[SEP]", "[PAD]", "[UNK]"), (config.Tokenizer.ClassificationToken, config.Tokenizer.SeparatorToken, config.Tokenizer.PaddingToken, config.Tokenizer.UnknownToken));
    }

    [Theory]
    [InlineData("""{ "type": "TemplateProcessing", "single": [ { "SpecialToken": { "id": "[CLS]", "type_id": 0 } }, { "Sequence": { "id": "A", "type_id": 0 } }, { "SpecialToken": { "id": "[SEP]", "type_id": 0 } } ] }""")]
    [InlineData("""{ "type": "RobertaProcessing", "sep": ["[SEP]", 102], "cls": ["[CLS]", 101], "trim_offsets": true, "add_prefix_space": false }""")]
    public void Post_processors_of_other_shapes_give_the_same_special_tokens(string postProcessor)
    {
        EditTokenizerJson(root => root["post_processor"] = JsonNode.Parse(postProcessor));

        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });
        var tokenizer = SentenceTokenizer.Create(config.Vocabulary, config.Tokenizer);

        Assert.Equal(Fixtures.ReferenceCases[0].InputIds, tokenizer.Encode(Fixtures.ReferenceCases[0].Text, 128, out _));
    }

    [Fact]
    public void A_cased_normalizer_keeps_case_and_accents()
    {
        EditTokenizerJson(root => root["normalizer"]!["lowercase"] = false);

        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });

        Assert.Equal(new BertNormalizerSettings(true, true, false, false), config.Tokenizer.Normalizer);
    }

    [Fact]
    public void A_BPE_tokenizer_is_refused_with_the_supported_families_named()
    {
        EditTokenizerJson(root => root["model"]!["type"] = "BPE");

        var error = Assert.Throws<InvalidModelFileException>(() => SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model }));

        Assert.Contains("only WordPiece", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_sentence_transformers_files_the_defaults_are_mean_pooling_and_normalisation()
    {
        File.Delete(Path.Combine(Model, "modules.json"));
        Directory.Delete(Path.Combine(Model, "1_Pooling"), recursive: true);
        Directory.Delete(Path.Combine(Model, "2_Normalize"), recursive: true);

        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });

        Assert.Equal(OnnxPoolingMode.Mean, config.Pooling);
        Assert.True(config.Normalize);
        Assert.Equal(32, config.Dimensions);
    }

    [Fact]
    public void A_modules_list_without_Normalize_turns_normalisation_off()
    {
        File.WriteAllText(Path.Combine(Model, "modules.json"), """[ { "idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer" }, { "idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling" } ]""");

        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });

        Assert.False(config.Normalize);
    }

    [Fact]
    public void The_maximum_length_comes_from_sentence_bert_config_first_and_may_not_exceed_the_positions()
    {
        File.WriteAllText(Path.Combine(Model, "sentence_bert_config.json"), """{ "max_seq_length": 64, "do_lower_case": false }""");

        var config = SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model });
        var error = Assert.Throws<InvalidModelFileException>(() => SentenceEncoderConfigReader.Read(Model, null, new OnnxBackendOptions { ModelPath = Model, MaxSequenceLength = 512 }));

        Assert.Equal(64, config.MaxSequenceLength);
        Assert.Contains("128 positions", error.Message, StringComparison.Ordinal);
    }

    private void EditTokenizerJson(Action<JsonNode> edit)
    {
        var path = Path.Combine(Model, "tokenizer.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
    }
}
