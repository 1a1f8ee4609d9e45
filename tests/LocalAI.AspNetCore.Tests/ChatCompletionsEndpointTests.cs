using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore.Tests;

/// <summary><c>/v1/chat/completions</c> and <c>/v1/models</c> through the real OpenAI .NET client and raw HTTP, over the tiny GGUF model.</summary>
[Collection(GgufServerCollection.Name)]
public sealed class ChatCompletionsEndpointTests(GgufServerFixture fixture)
{
    private static ChatOptions Options(int max = 16) => new() { Temperature = 0f, Seed = 42, MaxOutputTokens = max };

    private LocalAIServer Server => fixture.Server;

    [Fact]
    public async Task NonStreaming_ThroughOpenAIClient_EqualsTheInProcessRouter_TextAndUsage()
    {
        using var client = Server.ChatClient(fixture.ChatModel);
        var options = Options();
        options.ModelId = fixture.ChatModel;

        var http = await client.GetResponseAsync("Tell me about the sea.", Options());
        var direct = await Server.InProcessChat.GetResponseAsync("Tell me about the sea.", options);

        Assert.False(string.IsNullOrEmpty(http.Text));
        Assert.Equal(direct.Text, http.Text);
        Assert.Equal(direct.Usage?.InputTokenCount, http.Usage?.InputTokenCount);
        Assert.Equal(direct.Usage?.OutputTokenCount, http.Usage?.OutputTokenCount);
        Assert.Equal(direct.FinishReason, http.FinishReason);
    }

    [Fact]
    public async Task Streaming_ThroughOpenAIClient_TextIsIdenticalToTheInProcessStream_AndUsageArrives()
    {
        using var client = Server.ChatClient(fixture.ChatModel);
        var options = Options(24);
        options.ModelId = fixture.ChatModel;

        var http = await client.GetStreamingResponseAsync("Write a line of verse.", Options(24)).ToListAsync();
        var direct = await Server.InProcessChat.GetStreamingResponseAsync("Write a line of verse.", options).ToListAsync();

        Assert.True(http.Count > 2, $"expected several chunks, got {http.Count}");
        Assert.Equal(direct.ToChatResponse().Text, http.ToChatResponse().Text);
        var usage = http.ToChatResponse().Usage;
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_RawSse_HasDataChunks_UsageInTheLastChunk_AndEndsWithDone()
    {
        using var http = Server.Http();
        var body = new JsonObject
        {
            ["model"] = fixture.ChatModel,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello there" }),
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["max_tokens"] = 8,
            ["temperature"] = 0,
        };

        using var response = await http.PostAsJsonAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("gguf", response.Headers.GetValues("X-LocalAI-Backend").Single());
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e, StringComparison.Ordinal));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        var last = chunks[^1];
        Assert.Empty(last["choices"]!.AsArray());
        Assert.True((int)last["usage"]!["completion_tokens"]! > 0);
        Assert.Equal((int)last["usage"]!["prompt_tokens"]! + (int)last["usage"]!["completion_tokens"]!, (int)last["usage"]!["total_tokens"]!);
        Assert.Equal("length", (string?)chunks[^2]["choices"]![0]!["finish_reason"]);
        Assert.All(chunks, c => Assert.Equal("gguf", (string?)c["localai_backend"]));
    }

    [Fact]
    public async Task NonStreaming_Raw_NamesTheBackend_InHeaderAndBody()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/chat/completions", Json($$"""{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":4}"""));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gguf", response.Headers.GetValues("X-LocalAI-Backend").Single());
        Assert.Equal("gguf", (string?)body["localai_backend"]);
        Assert.Equal("chat.completion", (string?)body["object"]);
        Assert.Equal("assistant", (string?)body["choices"]![0]!["message"]!["role"]);
        Assert.Equal("length", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.Equal(4, (int)body["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task JsonSchemaFormat_ThroughOpenAIClient_ReturnsJsonThatParses()
    {
        using var client = Server.ChatClient(fixture.ChatModel);
        var options = Options(64);
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""");
        options.ResponseFormat = ChatResponseFormat.ForJsonSchema(schema.RootElement.Clone(), "person");

        var response = await client.GetResponseAsync("Give me a person as JSON.", options);

        using var parsed = JsonDocument.Parse(response.Text);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }

    [Fact]
    public async Task Models_ThroughOpenAIClient_ListsTheGgufModels_TaggedWithTheBackend()
    {
        var models = (await Server.OpenAI().GetOpenAIModelClient().GetModelsAsync()).Value;

        Assert.Contains(models, m => m.Id == fixture.ChatModel && m.OwnedBy == "gguf");
        Assert.Contains(models, m => m.Id == fixture.EmbeddingModel && m.OwnedBy == "gguf");
    }

    [Fact]
    public async Task UnknownModel_ThroughOpenAIClient_Is404ModelNotFound()
    {
        using var client = Server.ChatClient("no-such-model.gguf");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("hi", Options()));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model.gguf", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":"warm"}""", "temperature", "invalid_json")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature", "invalid_value")]
    [InlineData("""{"messages":[]}""", "messages", "missing_required_parameter")]
    [InlineData("""{"model":"x"}""", "messages", "missing_required_parameter")]
    [InlineData("""{"messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":42}]}""", "messages[0].content", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,@@@"}}]}]}""", "messages[0].content[0].image_url.url", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"n":2}""", "n", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", "response_format.type", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}],"stop":[1]}""", "stop[0]", "invalid_value")]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}""", "*", "invalid_json")]
    [InlineData("", null, "invalid_json")]
    public async Task BadRequest_Is400_InOpenAIErrorShape_NamingTheField(string body, string? param, string code)
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/chat/completions", Json(body));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        if (param != "*")
        {
            Assert.Equal(param, (string?)error["param"]);
        }

        Assert.Equal(code, (string?)error["code"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.True(error.AsObject().ContainsKey("param"), "OpenAI's shape always carries 'param'");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
