using System.Net;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using LocalAI.Testing.Gguf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests;

/// <summary>The OpenAPI document Microsoft.AspNetCore.OpenApi generates for a host with every LocalAI group mapped.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task TheDocument_DescribesTheCouncilRagHealthAndManagementEndpoints_AndLeavesOutTheOpenAIOnes()
    {
        await using var server = await LocalAIServer.StartAsync(
            b => b.AddGguf(o => o.ModelPath = TinyModels.Chat()),
            map: app =>
            {
                app.MapLocalAI();
                app.MapLocalAIManagement("/api");
                app.MapOpenApi();
            },
            services: s => s.AddLocalAIManagement().AddOpenApi());
        using var http = server.Http();

        using var response = await http.GetAsync("openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var document = JsonNode.Parse(text)!;
        Assert.StartsWith("3.", (string?)document["openapi"], StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        string[] expected =
        [
            "/api/council", "/api/council/stream", "/api/rag/search", "/api/rag/documents",
            "/health", "/health/backends", "/health/system",
            "/api/backends", "/api/backends/events", "/api/backends/{id}/switch", "/api/models", "/api/models/pull",
        ];
        Assert.All(expected, p => Assert.True(paths.ContainsKey(p), $"'{p}' is not in the document; it has {string.Join(", ", paths.Select(x => x.Key))}"));
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/v1/", StringComparison.Ordinal));

        // The request bodies are described: the council's and the RAG search's JSON.
        Assert.NotNull(paths["/api/council"]!["post"]!["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(paths["/api/rag/search"]!["post"]!["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(paths["/api/rag/documents"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]);
        Assert.Equal("Council", (string?)paths["/api/council/stream"]!["post"]!["tags"]![0]);
    }
}
