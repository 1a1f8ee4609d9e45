using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;

namespace LocalAI.AspNetCore.Tests;

/// <summary><c>POST /v1/chat/completions</c> with <c>localai_rag: true</c>: the answer retrieves from the index (real all-MiniLM-L6-v2) and names its passages in <c>localai_citations</c>.</summary>
[Collection(RagServerCollection.Name)]
public sealed class RagChatCompletionsTests(RagServerFixture fixture)
{
    private const string Question = "How do glaciers carve valleys?";

    private LocalAIServer Server => fixture.Server;

    [Fact]
    public async Task WithRag_TheAnswerCarriesCitations_OfTheRightSourceFirst_AndThePromptHoldsThePassages()
    {
        using var http = Server.Http();
        await IndexAsync(http);

        var plain = await AskAsync(http, new JsonObject { ["messages"] = Messages(), ["max_tokens"] = 4, ["temperature"] = 0 });
        var withRag = await AskAsync(http, new JsonObject { ["messages"] = Messages(), ["max_tokens"] = 4, ["temperature"] = 0, ["localai_rag"] = true });

        Assert.Null(plain["localai_citations"]);
        var citations = withRag["localai_citations"]!.AsArray();
        Assert.NotEmpty(citations);
        Assert.Equal("glaciers.txt", (string?)citations[0]!["source"]);
        Assert.Equal(1, (int)citations[0]!["number"]!);
        Assert.Contains("U-shaped", (string?)citations[0]!["text"], StringComparison.Ordinal);
        Assert.Equal("earth", (string?)citations[0]!["metadata"]!["topic"]);
        Assert.False(string.IsNullOrEmpty((string?)citations[0]!["id"]));
        Assert.True((int)withRag["usage"]!["prompt_tokens"]! > (int)plain["usage"]!["prompt_tokens"]! + 20, "the retrieved passages did not reach the model's prompt");
    }

    [Fact]
    public async Task WithRag_Streamed_TheFirstChunkCarriesTheCitations_AndNoLaterOne()
    {
        using var http = Server.Http();
        await IndexAsync(http);

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new JsonObject { ["messages"] = Messages(), ["max_tokens"] = 4, ["stream"] = true, ["localai_rag"] = true }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await ServerSentEvents.ReadAllAsync(response);

        Assert.Equal("[DONE]", events[^1].Data);
        var chunks = events.SkipLast(1).Select(e => JsonNode.Parse(e.Data)!).ToList();
        Assert.True(chunks.Count > 1);
        Assert.Equal("glaciers.txt", (string?)chunks[0]["localai_citations"]![0]!["source"]);
        Assert.All(chunks.Skip(1), c => Assert.Null(c["localai_citations"]));
    }

    private static JsonArray Messages() => [new JsonObject { ["role"] = "user", ["content"] = Question }];

    private static async Task IndexAsync(HttpClient http)
    {
        using var indexed = await http.PostAsJsonAsync("api/rag/documents", new JsonObject
        {
            ["documents"] = new JsonArray(
                new JsonObject { ["id"] = "glaciers.txt", ["text"] = "Glaciers carve U-shaped valleys: the moving ice plucks and grinds the bedrock beneath it as it flows downhill.", ["metadata"] = new JsonObject { ["topic"] = "earth" } },
                new JsonObject { ["id"] = "chess.txt", ["text"] = "In chess, castling moves the king two squares towards a rook, which jumps over to the other side of the king.", ["metadata"] = new JsonObject { ["topic"] = "games" } }),
        });
        Assert.Equal(HttpStatusCode.OK, indexed.StatusCode);
    }

    private static async Task<JsonNode> AskAsync(HttpClient http, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync("v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
