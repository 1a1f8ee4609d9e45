using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;

namespace LocalAI.AspNetCore.Tests;

/// <summary><c>localai_rag: true</c> on a server that registered no RAG index.</summary>
[Collection(GgufServerCollection.Name)]
public sealed class ChatWithoutRagIndexTests(GgufServerFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AskingForRag_WithoutAnIndex_Is501SayingHowToRegisterOne(bool stream)
    {
        using var http = fixture.Server.Http();
        using var response = await http.PostAsJsonAsync("v1/chat/completions", new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
            ["stream"] = stream,
            ["localai_rag"] = true,
        });

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rag_not_configured", (string?)error["code"]);
        Assert.Contains("AddRag", (string?)error["message"], StringComparison.Ordinal);
    }
}
