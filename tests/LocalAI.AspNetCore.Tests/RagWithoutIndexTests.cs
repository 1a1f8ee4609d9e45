using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;

namespace LocalAI.AspNetCore.Tests;

/// <summary>The RAG endpoints on a server that registered no index (embeddings only).</summary>
[Collection(MiniLmServerCollection.Name)]
public sealed class RagWithoutIndexTests(MiniLmServerFixture fixture)
{
    [Theory]
    [InlineData("api/rag/search")]
    [InlineData("api/rag/documents")]
    public async Task WithoutAnIndex_Is501SayingHowToRegisterOne(string path)
    {
        using var http = fixture.Server.Http();
        using var response = await http.PostAsJsonAsync(path, new JsonObject { ["query"] = "x" });

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("rag_not_configured", (string?)error["code"]);
        Assert.Contains("AddRag", (string?)error["message"], StringComparison.Ordinal);
    }
}
