using System.Text.Json;
using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

/// <summary>JSON schemas compiled into grammars: llama.cpp's grammar parser accepts each, and every output of the tiny model, stopped at any token limit, validates.</summary>
[Collection(ModelCollection.Name)]
public sealed class JsonSchemaGrammarTests(ModelFixture fixture)
{
    /// <summary>Schemas in the manner of the JSON-Schema-Test-Suite's simple cases, one feature or two each.</summary>
    public static TheoryData<string> Schemas => new()
    {
        """{"type":"object","properties":{"foo":{"type":"integer"},"bar":{"type":"string"}},"required":["foo"]}""",
        """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"type":"number"}},"additionalProperties":false}""",
        """{"type":"array","items":{"type":"integer","minimum":-5,"maximum":120},"minItems":2,"maxItems":4}""",
        """{"type":"array","items":{"type":"string","enum":["x","yy"]},"maxItems":0}""",
        """{"enum":[1,"two",null,{"a":true}]}""",
        """{"const":{"k":[1,2],"s":"é\"q"}}""",
        """{"type":"string","minLength":3,"maxLength":6}""",
        """{"type":"integer","exclusiveMinimum":10,"maximum":1000}""",
        """{"type":"integer","minimum":-1000,"maximum":-7}""",
        """{"anyOf":[{"type":"string","maxLength":3},{"type":"integer","minimum":1000}]}""",
        """{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"},"x":{"type":"integer"}},"required":["kind","x"],"additionalProperties":false},{"type":"object","properties":{"kind":{"const":"b"},"y":{"type":"boolean"}},"required":["kind"],"additionalProperties":false}]}""",
        """{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer","minimum":0,"maximum":9},"next":{"$ref":"#/$defs/node"}},"required":["value"]}},"$ref":"#/$defs/node"}""",
        """{"type":["string","null"],"maxLength":2}""",
        """{"type":"object","additionalProperties":{"type":"boolean"}}""",
        """{"type":"object","properties":{"list":{"type":"array","items":{"type":"object","properties":{"id":{"type":"integer","minimum":1,"maximum":10},"tags":{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":2}},"required":["id","tags"]},"minItems":1}},"required":["list"]}""",
        """{}""",
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public async Task The_grammar_of_each_schema_is_accepted_by_llama_cpp_and_every_output_validates(string schemaText)
    {
        using var schema = JsonDocument.Parse(schemaText);
        var (grammar, _) = JsonSchemaGrammar.Compile(schema.RootElement);
        using (var model = LlamaModel.Load(fixture.ChatModelPath, vocabOnly: true))
        using (LlamaSampler.Create(model, new SamplerSettings(1f, null, null, 1, 0, 0, grammar, JsonSchemaGrammar.Root)))
        {
            // llama_sampler_init_grammar returned a sampler: llama.cpp's parser accepted the grammar.
        }

        var client = fixture.Backend.GetChatClient();
        var format = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "test");
        foreach (var limit in new[] { 1, 3, 8, 24, 64 })
        {
            var response = await client.GetResponseAsync("Answer in JSON.", new ChatOptions { ResponseFormat = format, MaxOutputTokens = limit, Temperature = 1f, Seed = limit });
            Assert.True(JsonSchemaCheck.Problem(schema.RootElement, response.Text) is null, $"limit {limit}: '{response.Text}' {JsonSchemaCheck.Problem(schema.RootElement, response.Text)}\n{grammar}");
        }
    }

    [Fact]
    public void A_broken_grammar_is_refused_by_llama_cpp()
    {
        using var model = LlamaModel.Load(fixture.ChatModelPath, vocabOnly: true);
        Assert.Throws<LocalAIException>(() => LlamaSampler.Create(model, new SamplerSettings(1f, null, null, 1, 0, 0, "root ::= missing-rule", JsonSchemaGrammar.Root)));
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "'pattern'")]
    [InlineData("""{"type":"array","uniqueItems":true}""", "uniqueItems")]
    [InlineData("""{"type":"number","minimum":0.5}""", "limits a number with 'minimum'")]
    [InlineData("""{"$ref":"https://example.com/other.json"}""", "only references inside the schema")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "'allOf'")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":4}""", "range")]
    [InlineData("""{"type":"object","properties":{"self":{"$ref":"#"}},"required":["self"]}""", "no finite instance")]
    public void What_a_grammar_cannot_express_is_refused_by_name(string schemaText, string expected)
    {
        using var schema = JsonDocument.Parse(schemaText);
        var ex = Assert.Throws<NotSupportedException>(() =>
        {
            var (_, node) = JsonSchemaGrammar.Compile(schema.RootElement);
            JsonSchemaCompleter.Minimal(node);
        });
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_schema_fails_the_request_before_any_work()
    {
        using var schema = JsonDocument.Parse("""{"type":"string","pattern":"x"}""");
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "bad") };
        await Assert.ThrowsAsync<NotSupportedException>(() => fixture.Backend.GetChatClient().GetResponseAsync("hi", options));
    }

    [Theory]
    [InlineData("", "{\"rankings\":[{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"response\":\"B", "\",\"score\":1,\"reasoning\":\"\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"resp", "onse\":\"A\",\"score\":1,\"reasoning\":\"\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"response\":\"A\",\"score\":1", ",\"reasoning\":\"\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"response\":\"A\",\"score\":", "1,\"reasoning\":\"\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"response\":\"A\",\"score\":10,\"reasoning\":\"ok \\u00", "00\"},{\"response\":\"A\",\"score\":1,\"reasoning\":\"\"}]}")]
    [InlineData("{\"rankings\":[{\"response\":\"A\",\"score\":10,\"reasoning\":\"x\"} , {\"response\":\"B\",\"score\":2,\"reasoning\":\"y\"}]", "}")]
    public void The_completion_at_the_token_limit_adds_the_missing_required_parts(string written, string expected)
    {
        using var schema = JsonDocument.Parse(ReviewSchema);
        var (_, node) = JsonSchemaGrammar.Compile(schema.RootElement);

        var completion = JsonSchemaCompleter.Complete(node, written);

        Assert.Equal(expected, completion);
        Assert.Null(JsonSchemaCheck.Problem(schema.RootElement, written + completion));
    }

    [Theory]
    [InlineData(5L, 50L, "1", "0")]
    [InlineData(-20L, -5L, "-", "5")]
    [InlineData(-20L, -5L, "-1", "0")]
    [InlineData(100L, 250L, "2", "00")]
    [InlineData(null, null, "-", "1")]
    public void An_integer_cut_short_gets_the_fewest_digits_that_reach_its_range(long? min, long? max, string written, string expected)
    {
        var node = new SchemaNode { Kind = SchemaKind.Integer, Minimum = min, Maximum = max };
        Assert.Equal(expected, JsonSchemaCompleter.Complete(node, written));
    }

    /// <summary>The shape of the council's review schema (LocalAI.Council ReviewPrompt.Schema) for labels A and B; the council's own tests run the real one.</summary>
    private const string ReviewSchema = """
        {"type":"object","properties":{"rankings":{"type":"array","minItems":2,"maxItems":2,"items":{"type":"object","properties":{
        "response":{"type":"string","enum":["A","B"]},"score":{"type":"integer","minimum":1,"maximum":10},"reasoning":{"type":"string"}},
        "required":["response","score","reasoning"],"additionalProperties":false}}},"required":["rankings"],"additionalProperties":false}
        """;
}
