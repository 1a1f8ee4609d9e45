using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore.Tests;

/// <summary><c>/v1/embeddings</c> over the real all-MiniLM-L6-v2 (ONNX), through the real OpenAI client and raw HTTP; vectors identical to the in-process router's.</summary>
[Collection(MiniLmServerCollection.Name)]
public sealed class EmbeddingsEndpointTests(MiniLmServerFixture fixture)
{
    private static readonly string[] Texts = ["A man is eating food.", "A man is riding a horse.", "Local models run here.", "Ünïcødé and 漢字.", "x", "The sky is blue.", "Cats sleep a lot.", "Rain falls.", "Go home.", "Tea or coffee?"];

    private LocalAIServer Server => fixture.Server;

    [Fact]
    public async Task OpenAIClient_Base64Vectors_AreIdenticalToTheInProcessRouter()
    {
        using var generator = Server.EmbeddingGenerator(fixture.Model);

        var http = await generator.GenerateAsync(Texts);
        var direct = await Server.InProcessEmbeddings.GenerateAsync(Texts);

        Assert.Equal(Texts.Length, http.Count);
        for (var i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(direct[i].Vector.ToArray(), http[i].Vector.ToArray());
        }
    }

    [Fact]
    public async Task RawFloatAndBase64_AreIdenticalToTheInProcessRouter()
    {
        using var http = Server.Http();
        var direct = await Server.InProcessEmbeddings.GenerateAsync(Texts[..3]);

        var floats = await PostAsync(http, new JsonObject { ["input"] = new JsonArray(Texts[..3].Select(t => (JsonNode)t!).ToArray()), ["encoding_format"] = "float" });
        var base64 = await PostAsync(http, new JsonObject { ["input"] = new JsonArray(Texts[..3].Select(t => (JsonNode)t!).ToArray()), ["encoding_format"] = "base64" });

        Assert.Equal("list", (string?)floats["object"]);
        Assert.Equal(fixture.Model, (string?)floats["model"]);
        Assert.Equal("onnx", (string?)floats["localai_backend"]);
        Assert.True((int)floats["usage"]!["prompt_tokens"]! > 0);
        for (var i = 0; i < 3; i++)
        {
            var asFloats = floats["data"]![i]!["embedding"]!.AsArray().Select(v => (float)v!).ToArray();
            var asBytes = Convert.FromBase64String((string)base64["data"]![i]!["embedding"]!);
            Assert.Equal(i, (int)floats["data"]![i]!["index"]!);
            Assert.Equal(direct[i].Vector.ToArray(), asFloats);
            Assert.Equal(direct[i].Vector.ToArray(), MemoryMarshal.Cast<byte, float>(asBytes).ToArray());
        }
    }

    [Fact]
    public async Task SingleStringInput_GivesOneVector_AndTheBackendHeader()
    {
        using var http = Server.Http();

        using var response = await http.PostAsJsonAsync("v1/embeddings", new JsonObject { ["input"] = "one text", ["model"] = fixture.Model });
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("onnx", response.Headers.GetValues("X-LocalAI-Backend").Single());
        Assert.Equal(384, Assert.Single(body["data"]!.AsArray())!["embedding"]!.AsArray().Count);
    }

    [Fact]
    public async Task Dimensions_TheModelsOwn_IsAccepted_OthersAreRefusedClearly()
    {
        using var own = Server.EmbeddingGenerator(fixture.Model, 384);
        var result = await own.GenerateAsync(["fine"], new EmbeddingGenerationOptions { Dimensions = 384 });
        Assert.Equal(384, result[0].Vector.Length);

        using var http = Server.Http();
        using var response = await http.PostAsync("v1/embeddings", Json("""{"input":"x","dimensions":128}"""));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("dimensions", (string?)error["param"]);
        Assert.Contains("384", (string?)error["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"x"}""", "input", HttpStatusCode.BadRequest)]
    [InlineData("""{"input":[]}""", "input", HttpStatusCode.BadRequest)]
    [InlineData("""{"input":["a",""]}""", "input[1]", HttpStatusCode.BadRequest)]
    [InlineData("""{"input":[[1,2,3]]}""", "input[0]", HttpStatusCode.BadRequest)]
    [InlineData("""{"input":"a","encoding_format":"int8"}""", "encoding_format", HttpStatusCode.BadRequest)]
    [InlineData("""{"input":"a","model":"text-embedding-3-small"}""", "model", HttpStatusCode.NotFound)]
    [InlineData("""{"input":{"text":"a"}}""", "input", HttpStatusCode.BadRequest)]
    public async Task BadRequest_NamesTheField(string body, string param, HttpStatusCode status)
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/embeddings", Json(body));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(param, (string?)error["param"]);
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, JsonObject body)
    {
        using var response = await http.PostAsJsonAsync("v1/embeddings", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
