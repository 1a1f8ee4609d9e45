using System.Text.Json;
using LocalAI.Testing.Gguf;

namespace LocalAI.OpenAI.Tests;

/// <summary>The backend against real llama-servers (the tiny random-weight models): chat, streaming, usage, JSON, embeddings, models, status, API keys.</summary>
[Collection(LlamaServerCollection.Name)]
public sealed class LlamaServerTests(LlamaServerFixture fixture)
{
    /// <summary>The width of <see cref="TinyModels.Embedding"/>'s BERT model.</summary>
    private const int TinyBertWidth = 32;

    private static readonly ChatOptions Greedy = new() { Temperature = 0f, Seed = 42, MaxOutputTokens = 8 };

    [LlamaServerFact]
    public async Task Chat_AnswersWithUsage_FinishReason_AndTheServingEndpoint()
    {
        var response = await fixture.ChatBackend.GetChatClient().GetResponseAsync("Hello there", Greedy);

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.True(response.Usage?.InputTokenCount > 0);
        Assert.True(response.Usage?.OutputTokenCount is > 0 and <= 8);
        Assert.NotNull(response.FinishReason);
        Assert.Equal(fixture.Chat.ApiBase.ToString(), response.AdditionalProperties?[OpenAICompatibleChatClient.EndpointKey]);
    }

    [LlamaServerFact]
    public async Task Streaming_EndsWithUsage_AndAFinishReason()
    {
        var updates = await TestSupport.CollectAsync(fixture.ChatBackend.GetChatClient().GetStreamingResponseAsync("Hello there", Greedy));
        var response = updates.ToChatResponse();

        Assert.True(updates.Count > 1);
        Assert.NotNull(response.FinishReason);
        Assert.True(response.Usage?.OutputTokenCount > 0, "the last chunk carries usage (stream_options.include_usage)");
    }

    [LlamaServerFact]
    public async Task JsonSchema_IsEnforcedByTheServersGrammar()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"],"additionalProperties":false}""").RootElement;
        var options = Greedy.Clone();
        options.MaxOutputTokens = 48;
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "number");

        var response = await fixture.ChatBackend.GetChatClient().GetResponseAsync("Give me a number.", options);

        using var document = JsonDocument.Parse(response.Text);
        Assert.Equal(JsonValueKind.Number, document.RootElement.GetProperty("n").ValueKind);
    }

    [LlamaServerFact]
    public async Task JsonMode_TheServersGrammarShapesTheOutput()
    {
        var options = Greedy.Clone();
        options.MaxOutputTokens = 16;
        options.ResponseFormat = ChatResponseFormat.Json;

        var plain = await fixture.ChatBackend.GetChatClient().GetResponseAsync("Answer in JSON.", Greedy);
        var json = await fixture.ChatBackend.GetChatClient().GetResponseAsync("Answer in JSON.", options);

        // The random-weight model writes anything unconstrained; under the JSON grammar it must open an object with a key.
        Assert.False(plain.Text.TrimStart().StartsWith("{\"", StringComparison.Ordinal), plain.Text);
        Assert.StartsWith("{\"", json.Text.TrimStart(), StringComparison.Ordinal);
    }

    [LlamaServerFact]
    public async Task Embeddings_LearnTheirDimensionsFromTheFirstResponse_AndLaterGeneratorsDeclareThem()
    {
        using var backend = LlamaServerFixture.CreateBackend(fixture.Embeddings.ApiBase);
        var first = backend.GetEmbeddingGenerator();
        Assert.Null(first.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);

        var vectors = await first.GenerateAsync(["a short text", "another one"]);

        Assert.Equal(2, vectors.Count);
        Assert.Equal(TinyBertWidth, vectors[0].Vector.Length);
        Assert.Equal(TinyBertWidth, first.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        Assert.Equal(TinyBertWidth, backend.GetEmbeddingGenerator().GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
    }

    [LlamaServerFact]
    public async Task Embeddings_OnAServerStartedWithoutThem_AreUnavailable_WithTheServersMessage()
    {
        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => fixture.ChatBackend.GetEmbeddingGenerator("tiny-llama").GenerateAsync(["text"]));

        Assert.Contains("--embeddings", ex.Message);
    }

    [LlamaServerFact]
    public async Task ModelList_AndStatus_NameTheServedModel()
    {
        var models = await fixture.ChatBackend.ListModelsAsync();
        var status = await fixture.ChatBackend.GetStatusAsync();

        Assert.Contains(models, m => m.Id == "tiny-llama" && m.BackendId == "llamaserver");
        Assert.True(status.IsAvailable, status.Reason);
        Assert.Contains(status.Models, m => m.Id == "tiny-llama");
    }

    [LlamaServerFact]
    public async Task UnknownModel_IsModelNotFound_NamingTheServedOnes()
    {
        // llama-server answers a request for any name with its one model; the backend checks the name against /v1/models first.
        var ex = await Assert.ThrowsAsync<ModelNotFoundException>(() => fixture.ChatBackend.GetChatClient("no-such-model").GetResponseAsync("hi", Greedy));
        var streamed = await Assert.ThrowsAsync<ModelNotFoundException>(() => TestSupport.CollectAsync(fixture.ChatBackend.GetChatClient("no-such-model").GetStreamingResponseAsync("hi", Greedy)));
        var embedding = await Assert.ThrowsAsync<ModelNotFoundException>(() => fixture.EmbeddingBackend.GetEmbeddingGenerator("no-such-model").GenerateAsync(["hi"]));

        Assert.Equal("no-such-model", ex.Model);
        Assert.Equal("llamaserver", ex.BackendId);
        Assert.Contains("'tiny-llama'", ex.Message);
        Assert.Equal("no-such-model", streamed.Model);
        Assert.Contains("'tiny-bert'", embedding.Message);
    }

    [LlamaServerFact]
    public async Task WithoutConfiguredModels_TheServersOnlyModelIsUsed_AndNamed()
    {
        using var chatBackend = LlamaServerFixture.CreateBackend(fixture.Chat.ApiBase, o => o.DefaultModel = null);
        using var embeddingBackend = LlamaServerFixture.CreateBackend(fixture.Embeddings.ApiBase, o => o.EmbeddingModel = null);
        var generator = embeddingBackend.GetEmbeddingGenerator();

        var response = await chatBackend.GetChatClient().GetResponseAsync("hi", Greedy);
        await generator.GenerateAsync(["hi"]);

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.Equal(new EmbeddingModelIdentity("tiny-bert", TinyBertWidth), EmbeddingModelIdentity.FromGenerator(generator));
    }

    [LlamaServerFact]
    public async Task ApiKey_Wrong_IsAConfigurationErrorNamingTheSetting_Right_Answers()
    {
        await using var server = await LlamaServer.StartAsync(TinyModels.Chat(), "--alias", "tiny-llama", "--api-key", "sk-test-key");
        using var wrong = LlamaServerFixture.CreateBackend(server.ApiBase, o => o.ApiKey = "sk-wrong");
        using var none = LlamaServerFixture.CreateBackend(server.ApiBase);
        using var right = LlamaServerFixture.CreateBackend(server.ApiBase, o => o.ApiKey = "sk-test-key");

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => wrong.GetChatClient().GetResponseAsync("hi", Greedy));
        var missing = await Assert.ThrowsAsync<BackendUnavailableException>(() => none.GetChatClient().GetResponseAsync("hi", Greedy));
        var status = await wrong.GetStatusAsync();
        var answer = await right.GetChatClient().GetResponseAsync("hi", Greedy);

        Assert.Contains("LocalAI:llamaserver:ApiKey", ex.Message);
        Assert.Contains("Invalid API Key", ex.Message);
        Assert.Contains("LocalAI:llamaserver:ApiKey", missing.Message);
        Assert.False(status.IsAvailable);
        Assert.Contains("ApiKey", status.Reason);
        Assert.False(string.IsNullOrEmpty(answer.Text));
    }
}
