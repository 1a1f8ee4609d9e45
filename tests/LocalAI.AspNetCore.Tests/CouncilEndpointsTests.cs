using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore.Tests;

/// <summary>
/// <c>/api/council</c>, <c>/api/council/stream</c> and <c>/api/council/ws</c> over the tiny GGUF model in llama.cpp: two agents on the
/// <c>gguf</c> backend, greedy, with a shuffle seed, so every session sends the same prompts and gets the same answers.
/// </summary>
[Collection(CouncilServerCollection.Name)]
public sealed class CouncilEndpointsTests(CouncilServerFixture fixture)
{
    private static readonly string[] Volatile = ["id", "session_id", "started_at", "timestamp", "latency"];

    private LocalAIServer Server => fixture.Server;

    private static JsonObject Request(string question = "Name one primary colour.") => new()
    {
        ["question"] = question,
        ["agents"] = new JsonArray(new JsonObject { ["backend"] = "gguf" }, new JsonObject { ["backend"] = "gguf" }),
        ["maxOutputTokens"] = 8,
        ["temperature"] = 0,
        ["shuffleSeed"] = 7,
    };

    [Fact]
    public async Task Post_Stream_AndWebSocket_RunTheSameSession_TheirFinalJsonIsIdentical()
    {
        using var http = Server.Http();

        using var post = await http.PostAsJsonAsync("api/council", Request());
        var postedText = await post.Content.ReadAsStringAsync();
        Assert.True(post.StatusCode == HttpStatusCode.OK, postedText);
        var posted = JsonNode.Parse(postedText)!.AsObject();
        Assert.Equal(2, posted["opinions"]!.AsArray().Count);
        Assert.All(posted["opinions"]!.AsArray(), o => Assert.False(string.IsNullOrEmpty((string?)o!["text"]), o!.ToJsonString()));
        Assert.Equal(2, posted["reviews"]!.AsArray().Count);
        Assert.False(string.IsNullOrEmpty((string?)posted["synthesis"]!["text"]));
        Assert.True((long)posted["token_usage"]!["total_tokens"]! > 0);
        Assert.True((long)posted["token_usage"]!["stage2_review"]!["total_tokens"]! > 0);
        Assert.True((double)posted["latency"]!["total_duration_ms"]! > 0);

        using var streamed = await http.PostAsJsonAsync("api/council/stream", Request());
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType?.MediaType);
        var sse = await ServerSentEvents.ReadAllAsync(streamed);
        var sseEvents = sse.Select(e => (e.EventType, Data: JsonNode.Parse(e.Data)!.AsObject())).ToList();
        Assert.All(sseEvents, e => Assert.Equal(e.EventType, (string?)e.Data["type"]));

        var socketEvents = await WebSocketSessionAsync(Request());

        foreach (var events in new[] { sseEvents.Select(e => e.Data).ToList(), socketEvents })
        {
            AssertInOrder(events);
            var session = events[^1]["session"]!.AsObject();
            Assert.Equal(Normalized(posted), Normalized(session));

            // The synthesis streamed token by token adds up to the chairman's answer.
            var tokens = string.Concat(events.Where(e => (string?)e["type"] == "synthesis_token").Select(e => (string?)e["text"]));
            Assert.Equal((string?)session["synthesis"]!["text"], tokens);
        }
    }

    [Fact]
    public async Task ACouncilRegisteredWithAddCouncil_ServesRequestsThatNameNoAgents_PostAndStream()
    {
        await using var server = await LocalAIServer.StartAsync(b => CouncilServerFixture.AddTinyGguf(b).AddCouncil(o =>
        {
            o.Agents.Add(new() { Backend = "gguf", SystemPrompt = "You answer briefly.", MaxOutputTokens = 8 });
            o.Agents.Add(new() { Backend = "gguf", SystemPrompt = "You answer with care.", MaxOutputTokens = 8 });
            o.Chairman = new() { Backend = "gguf", MaxOutputTokens = 8 };
            o.ShuffleSeed = 7;
        }));
        using var http = server.Http();
        var question = new JsonObject { ["question"] = "Name one primary colour." };

        using var post = await http.PostAsJsonAsync("api/council", question);
        var postedText = await post.Content.ReadAsStringAsync();
        Assert.True(post.StatusCode == HttpStatusCode.OK, postedText);
        var posted = JsonNode.Parse(postedText)!.AsObject();
        Assert.Equal(2, posted["opinions"]!.AsArray().Count);
        Assert.Equal(2, posted["reviews"]!.AsArray().Count);
        Assert.False(string.IsNullOrEmpty((string?)posted["synthesis"]!["text"]));
        Assert.True((long)posted["token_usage"]!["total_tokens"]! > 0);

        using var streamed = await http.PostAsJsonAsync("api/council/stream", question);
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        var events = (await ServerSentEvents.ReadAllAsync(streamed)).Select(e => JsonNode.Parse(e.Data)!.AsObject()).ToList();
        AssertInOrder(events);
        var session = events[^1]["session"]!.AsObject();
        Assert.Equal("Name one primary colour.", (string?)session["question"]);
        Assert.Equal(2, session["opinions"]!.AsArray().Count);

        // What only a request's own agents take is refused for the registered council, naming the field.
        using var tuned = await http.PostAsJsonAsync("api/council", new JsonObject { ["question"] = "Why?", ["temperature"] = 0.5 });
        var error = JsonNode.Parse(await tuned.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, tuned.StatusCode);
        Assert.Equal("temperature", (string?)error["param"]);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"agents":[{"backend":"gguf"},{"backend":"gguf"}]}""", "question" },
        { """{"question":"Why?","agents":[{"backend":"gguf"}]}""", "agents" },
        { """{"question":"Why?","agents":[{"backend":"gguf"},{"backend":"nope"}]}""", "agents[1].backend" },
        { """{"question":"Why?","agents":[{"backend":"gguf"},{"backend":"gguf"}],"temperature":3}""", "temperature" },
        { """{"question":"Why?","agents":[{"backend":"gguf"},{"backend":"gguf"}],"maxOutputTokens":0}""", "maxOutputTokens" },
        { """{"question":"Why?"}""", "agents" },
        { """{"question":"Why?","chairman":{"backend":"gguf"}}""", "chairman" },
        { """{"question":"Why?","agents":"gguf"}""", "agents" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequest_Is400NamingTheField_OnPostStreamAndWebSocket(string body, string field)
    {
        using var http = Server.Http();
        foreach (var path in new[] { "api/council", "api/council/stream" })
        {
            using var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal(field, (string?)error["param"]);
            Assert.Contains(field.Split('[', '.')[0], (string?)error["message"], StringComparison.Ordinal);
        }

        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.UTF8.GetBytes(body), WebSocketMessageType.Text, true, CancellationToken.None);
        var message = await ReceiveAsync(socket);
        Assert.NotNull(message);
        Assert.Equal("error", (string?)message["type"]);
        Assert.Equal(field, (string?)message["param"]);
        Assert.Null(await ReceiveAsync(socket));
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
    }

    [Fact]
    public async Task WebSocketPath_WithoutAnUpgrade_Is400SayingSo()
    {
        using var http = Server.Http();
        using var response = await http.GetAsync("api/council/ws");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("websocket_required", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
    }

    [Fact]
    public async Task WebSocket_ClosedByTheClientMidSession_StopsIt_AndTheServerStaysUsable()
    {
        using (var socket = await ConnectAsync())
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(Request("Write a long story about the sea.")), WebSocketMessageType.Text, true, CancellationToken.None);
            JsonObject? message;
            do
            {
                message = await ReceiveAsync(socket);
                Assert.NotNull(message);
            }
            while ((string?)message["type"] != "opinion_started");

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "enough", CancellationToken.None);
            Assert.Equal(WebSocketState.Closed, socket.State);
        }

        // The next session runs to the end on the same backend.
        var events = await WebSocketSessionAsync(Request());
        Assert.Equal("session_completed", (string?)events[^1]["type"]);
    }

    /// <summary>Session events come in the council's order: started first, every opinion before the reviews, reviews before the ranking, the synthesis after it, completed last.</summary>
    private static void AssertInOrder(List<JsonObject> events)
    {
        var types = events.Select(e => (string)e["type"]!).ToList();
        Assert.Equal("session_started", types[0]);
        Assert.Equal("session_completed", types[^1]);
        Assert.Equal(2, types.Count(t => t == "opinion_started"));
        Assert.Equal(2, types.Count(t => t == "opinion_completed"));
        Assert.Equal(2, types.Count(t => t == "review_completed"));
        Assert.True(types.LastIndexOf("opinion_completed") < types.IndexOf("review_completed"), string.Join(",", types));
        Assert.True(types.LastIndexOf("review_completed") < types.IndexOf("ranking_computed"), string.Join(",", types));
        Assert.True(types.IndexOf("ranking_computed") < types.IndexOf("synthesis_started"), string.Join(",", types));
        Assert.True(types.IndexOf("synthesis_started") < types.IndexOf("synthesis_token"), string.Join(",", types));
        Assert.Single(events.Select(e => (string?)e["session_id"]).Distinct());
    }

    /// <summary>The session without what differs between two runs of it: ids, timestamps, latencies; calls that ran in parallel in a fixed order.</summary>
    private static string Normalized(JsonObject session)
    {
        static JsonNode? Strip(JsonNode? node, bool sort = false) => node switch
        {
            JsonObject o => new JsonObject(o.Where(p => !Volatile.Contains(p.Key) && !p.Key.EndsWith("_ms", StringComparison.Ordinal))
                .Select(p => KeyValuePair.Create(p.Key, Strip(p.Value, p.Key is "generations" or "failures")))),
            JsonArray a when sort => new JsonArray([.. a.Select(n => Strip(n)).OrderBy(n => n?.ToJsonString(), StringComparer.Ordinal)]),
            JsonArray a => new JsonArray([.. a.Select(n => Strip(n))]),
            _ => node?.DeepClone(),
        };

        return Strip(session)!.ToJsonString();
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(new Uri(Server.Address, "api/council/ws")) { Scheme = "ws" }.Uri;
        await socket.ConnectAsync(uri, CancellationToken.None);
        return socket;
    }

    private async Task<List<JsonObject>> WebSocketSessionAsync(JsonObject request)
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request), WebSocketMessageType.Text, true, CancellationToken.None);
        var events = new List<JsonObject>();
        while (await ReceiveAsync(socket) is { } message)
        {
            events.Add(message);
        }

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        return events;
    }

    /// <summary>Reads one text message as JSON; <see langword="null"/> when the server closed (the close is answered).</summary>
    private static async Task<JsonObject?> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new ArraySegment<byte>(new byte[64 * 1024]);
        using var text = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return null;
            }

            text.Write(buffer.Array!, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(text.ToArray())!.AsObject();
            }
        }
    }
}
