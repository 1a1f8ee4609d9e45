using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;

namespace LocalAI.AspNetCore.Tests;

/// <summary><c>/api/rag/documents</c> and <c>/api/rag/search</c> over the real all-MiniLM-L6-v2 and the embedded vector store.</summary>
[Collection(RagServerCollection.Name)]
public sealed class RagEndpointsTests(RagServerFixture fixture)
{
    private const string Tides = "Tides are the rise and fall of sea levels caused by the gravitational pull of the Moon and the Sun on the oceans. Spring tides happen at new and full moon.";
    private const string Volcanoes = "A volcano is a rupture in the crust of a planet where hot lava, volcanic ash and gases escape from a magma chamber below the surface.";
    private const string Bread = "# Baking bread\n\nKnead the dough of flour, water, salt and yeast, let it rise until doubled, then bake it in a hot oven until the crust is brown.";

    private LocalAIServer Server => fixture.Server;

    [Fact]
    public async Task IndexedTextDocuments_AreFound_TheRightSourceFirst_InEveryMode_WithScoresAndMetadata()
    {
        using var http = Server.Http();
        using var indexed = await http.PostAsJsonAsync("api/rag/documents", Documents(("tides.txt", Tides, "ocean"), ("volcanoes.txt", Volcanoes, "geology"), ("bread.md", Bread, "kitchen")));
        Assert.Equal(HttpStatusCode.OK, indexed.StatusCode);
        var summary = JsonNode.Parse(await indexed.Content.ReadAsStringAsync())!;
        Assert.Equal(3, (int)summary["documents"]!);
        Assert.True((long)summary["chunks"]! >= 3);
        Assert.True((long)summary["tokens"]! > 0);

        foreach (var mode in new[] { "vector", "bm25", "hybrid" })
        {
            var results = await SearchAsync(http, new JsonObject { ["query"] = "Why does the Moon pull the sea up and down?", ["mode"] = mode, ["top"] = 3 });
            Assert.Equal("tides.txt", (string?)results[0]!["source"]);
            Assert.Equal("ocean", (string?)results[0]!["metadata"]!["topic"]);
            Assert.Contains("gravitational pull", (string?)results[0]!["text"], StringComparison.Ordinal);
            var scores = results.Select(r => (double)r!["score"]!).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
        }

        var lava = await SearchAsync(http, new JsonObject { ["query"] = "molten rock erupting from a mountain" });
        Assert.Equal("volcanoes.txt", (string?)lava[0]!["source"]);
        Assert.InRange((double)lava[0]!["score"]!, 0.2, 1.0);
    }

    [Fact]
    public async Task Filters_AndMinimumSimilarity_NarrowTheResults()
    {
        using var http = Server.Http();
        using var indexed = await http.PostAsJsonAsync("api/rag/documents", Documents(("orbit.txt", "The Moon orbits the Earth once every 27 days.", "sky"), ("harbour.txt", "Boats in the harbour rise and fall with the water.", "port")));
        Assert.Equal(HttpStatusCode.OK, indexed.StatusCode);

        var filtered = await SearchAsync(http, new JsonObject { ["query"] = "the Moon", ["filters"] = new JsonObject { ["topic"] = "port" }, ["top"] = 10 });
        Assert.NotEmpty(filtered);
        Assert.All(filtered, r => Assert.Equal("port", (string?)r!["metadata"]!["topic"]));

        var all = await SearchAsync(http, new JsonObject { ["query"] = "the Moon", ["top"] = 10 });
        var threshold = ((double)all[0]!["score"]! + (double)all[^1]!["score"]!) / 2;
        var strict = await SearchAsync(http, new JsonObject { ["query"] = "the Moon", ["top"] = 10, ["minSimilarity"] = threshold });
        Assert.InRange(strict.Count, 1, all.Count - 1);
        Assert.All(strict, r => Assert.True((double)r!["score"]! >= threshold));
    }

    [Fact]
    public async Task UploadedFiles_StreamedAsProgressEvents_ThenDone_AndAreSearchable()
    {
        using var http = Server.Http();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("# Pianos\n\nInside a piano, felt hammers strike steel strings when a key is pressed; the dampers stop them when it is released."), "file", "piano.md" },
            { new StringContent("Violins are played with a bow of horsehair drawn across four strings."), "file", "violin.txt" },
            { new StringContent("instruments"), "shelf" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/rag/documents?stream=true") { Content = form };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ServerSentEvents.ReadAllAsync(response);
        Assert.Equal("done", events[^1].EventType);
        var progress = events[..^1];
        Assert.NotEmpty(progress);
        Assert.All(progress, e => Assert.Equal("progress", e.EventType));
        var counts = progress.Select(e => (int)JsonNode.Parse(e.Data)!["documents"]!).ToList();
        Assert.Equal(counts.Order(), counts);
        var done = JsonNode.Parse(events[^1].Data)!;
        Assert.Equal((2, 2), ((int)done["documents"]!, (int)done["documentsTotal"]!));

        var results = await SearchAsync(http, new JsonObject { ["query"] = "what strikes the strings when I press a key", ["filters"] = new JsonObject { ["shelf"] = "instruments" } });
        Assert.Equal("piano.md", (string?)results[0]!["source"]);
        Assert.Equal("Pianos", (string?)results[0]!["context"]);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "api/rag/search", """{"top":3}""", "query" },
        { "api/rag/search", """{"query":"x","top":0}""", "top" },
        { "api/rag/search", """{"query":"x","mode":"fuzzy"}""", "mode" },
        { "api/rag/search", """{"query":"x","minSimilarity":2}""", "minSimilarity" },
        { "api/rag/search", """{"query":"x","filters":{"topic":3}}""", "filters.topic" },
        { "api/rag/search", """{"query":"x","top":"many"}""", "top" },
        { "api/rag/documents", """{}""", "documents" },
        { "api/rag/documents", """{"documents":[{"text":"hello"}]}""", "documents[0].id" },
        { "api/rag/documents", """{"documents":[{"id":"a.txt","text":" "}]}""", "documents[0].text" },
        { "api/rag/documents", """{"documents":[{"id":"a.txt","text":"one"},{"id":"a.txt","text":"two"}]}""", "documents[1].id" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInput_Is400NamingTheField(string path, string body, string field)
    {
        using var http = Server.Http();
        using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(field, (string?)error["param"]);
    }

    [Fact]
    public async Task UploadedFileThatIsNotText_Is400NamingTheFile()
    {
        using var http = Server.Http();
        var bytes = new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, 0x00]);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { { bytes, "file", "image.bin" } };
        using var response = await http.PostAsync("api/rag/documents", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal("files[0]", (string?)error["param"]);
        Assert.Contains("image.bin", (string?)error["message"], StringComparison.Ordinal);
    }

    private static JsonObject Documents(params (string Id, string Text, string Topic)[] documents) => new()
    {
        ["documents"] = new JsonArray([.. documents.Select(d => (JsonNode)new JsonObject { ["id"] = d.Id, ["text"] = d.Text, ["metadata"] = new JsonObject { ["topic"] = d.Topic } })]),
    };

    private static async Task<JsonArray> SearchAsync(HttpClient http, JsonObject request)
    {
        using var response = await http.PostAsJsonAsync("api/rag/search", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["results"]!.AsArray();
    }
}
