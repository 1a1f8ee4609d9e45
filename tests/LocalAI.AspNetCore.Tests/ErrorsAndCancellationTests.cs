using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LocalAI.AspNetCore.Tests.Support;
using LocalAI.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LocalAI.AspNetCore.Tests;

/// <summary>Status codes, the API key, limits and client disconnects, over scripted backends that inject the faults and observe the cancellation.</summary>
public sealed class ErrorsAndCancellationTests
{
    private const string ChatBody = """{"model":"m","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamBody = """{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}""";
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NoBackendAvailable_Is503_WithEachBackendsReason()
    {
        var down = new FakeBackend("first") { Available = false, UnavailableReason = "server not running" };
        var broken = new FakeBackend("second") { Chat = new ScriptedChatClient { Failure = new BackendUnavailableException("connection refused") } };
        broken.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("first", _ => down).AddBackend("second", _ => broken));
        using var http = server.Http();

        using var response = await http.PostAsync("v1/chat/completions", Json(ChatBody));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("server_error", (string?)error["type"]);
        Assert.Equal("no_backend_available", (string?)error["code"]);
        var reasons = error["backends"]!.AsArray().ToDictionary(r => (string)r!["backend"]!, r => (string)r!["reason"]!);
        Assert.Contains("server not running", reasons["first"], StringComparison.Ordinal);
        Assert.Contains("connection refused", reasons["second"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("float")]
    [InlineData("base64")]
    public async Task AVectorWithNaN_Is502_BeforeAnyOfTheAnswerIsWritten(string format)
    {
        var embeddings = new FakeEmbeddingGenerator("broken-encoder", 4) { Vectors = t => t == "bad" ? [0.5f, float.NaN, 0.5f, 0.5f] : [0.5f, 0.5f, 0.5f, 0.5f] };
        var backend = new FakeBackend("onnx", BackendCapabilities.Embeddings) { Embeddings = embeddings };
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("onnx", _ => backend));
        using var http = server.Http();

        using var response = await http.PostAsync("v1/embeddings", Json($$"""{"input":["good","bad"],"encoding_format":"{{format}}"}"""));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("invalid_embedding", (string?)error["code"]);
        Assert.Contains("input 1", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("broken-encoder", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBackendAvailable_ThroughOpenAIClient_IsClientResultException503()
    {
        var down = new FakeBackend("only") { Available = false };
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("only", _ => down));
        using var client = server.ChatClient("m");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync("hi"));

        Assert.Equal(503, error.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ClientDisconnect_CancelsTheBackendsGeneration(bool stream)
    {
        var backend = new FakeBackend("slow") { Chat = new ScriptedChatClient { Gate = new TaskCompletionSource() } };
        backend.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("slow", _ => backend));
        using var http = server.Http();
        using var client = new CancellationTokenSource();

        var request = http.PostAsync("v1/chat/completions", Json(stream ? StreamBody : ChatBody), client.Token);
        var backendToken = await backend.Chat.Entered.Task.WaitAsync(HangGuard);
        var observed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = backendToken.Register(observed.SetResult);
        Assert.False(backendToken.IsCancellationRequested);
        await client.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await observed.Task.WaitAsync(HangGuard);
        Assert.True(backendToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ClientDisconnect_MidStream_CancelsTheBackendsStream()
    {
        var chat = new BlockingStreamClient();
        var backend = new FakeBackend("slow") { ChatClient = chat };
        backend.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("slow", _ => backend));
        using var http = server.Http();
        using var client = new CancellationTokenSource();
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json(StreamBody) };

        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, client.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(client.Token));
        var first = await reader.ReadLineAsync(client.Token);
        await client.CancelAsync();
        response.Dispose();

        Assert.StartsWith("data: ", first, StringComparison.Ordinal);
        await chat.Cancelled.Task.WaitAsync(HangGuard);
    }

    [Fact]
    public async Task Timeout_Is504_AndCancelsTheBackend()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var backend = new FakeBackend("slow") { Chat = new ScriptedChatClient { Gate = new TaskCompletionSource() } };
        backend.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("slow", _ => backend), o => o.RequestTimeout = TimeSpan.FromSeconds(30), time: time);
        using var http = server.Http();

        var request = http.PostAsync("v1/chat/completions", Json(ChatBody));
        var backendToken = await backend.Chat.Entered.Task.WaitAsync(HangGuard);
        time.Advance(TimeSpan.FromSeconds(31));
        using var response = await request.WaitAsync(HangGuard);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", (string?)error["code"]);
        Assert.True(backendToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ApiKey_IsRequiredOnEveryEndpoint_AndTheRightKeyPasses()
    {
        const string key = "local-test-key-0123456789";
        var backend = new FakeBackend("fake");
        backend.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("fake", _ => backend), o => o.ApiKey = key);
        using var http = server.Http();

        foreach (var path in new[] { "v1/models", "health", "health/backends", "health/system" })
        {
            using var anonymous = await http.GetAsync(path);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { "Authorization", "Bearer local-test-key-0123456788" } } };
            using var wrongResponse = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
            Assert.Equal("invalid_api_key", (string?)JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["error"]!["code"]);
        }

        using var chatWithout = await http.PostAsync("v1/chat/completions", Json(ChatBody));
        Assert.Equal(HttpStatusCode.Unauthorized, chatWithout.StatusCode);
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => server.ChatClient("m", "not-the-key").GetResponseAsync("hi"));
        Assert.Equal(401, refused.Status);

        var answer = await server.ChatClient("m", key).GetResponseAsync("hi");
        Assert.Equal("hello", answer.Text);
    }

    [Fact]
    public async Task BodyLargerThanTheLimit_Is413()
    {
        var backend = new FakeBackend("fake");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("fake", _ => backend), o => o.MaxRequestBodyBytes = 1024);
        using var http = server.Http();
        var big = ChatBody.Replace("hi", new string('x', 4096), StringComparison.Ordinal);

        using var response = await http.PostAsync("v1/chat/completions", Json(big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
        Assert.Equal(0, backend.Chat.Calls);
    }

    [Fact]
    public async Task BodyLargerThanTheLimit_WithoutContentLength_Is413()
    {
        var backend = new FakeBackend("fake");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("fake", _ => backend), o => o.MaxRequestBodyBytes = 1024);
        using var http = server.Http();
        var big = ChatBody.Replace("hi", new string('x', 4096), StringComparison.Ordinal);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new("application/json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = content };
        message.Headers.TransferEncodingChunked = true;

        using var response = await http.SendAsync(message);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task FailureAfterTheFirstChunk_EndsTheStreamWithAnErrorEvent()
    {
        var backend = new FakeBackend("flaky") { Chat = new ScriptedChatClient { StreamedUpdates = 5, UpdatesBeforeFailure = 2, Failure = new BackendProtocolException("the backend hung up") } };
        backend.Models.Add("m");
        await using var server = await LocalAIServer.StartAsync(b => b.AddBackend("flaky", _ => backend));
        using var http = server.Http();

        using var response = await http.PostAsync("v1/chat/completions", Json(StreamBody));
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, events.Length);
        var error = JsonNode.Parse(events[^1]["data: ".Length..])!["error"]!;
        Assert.Contains("hung up", (string?)error["message"], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", events[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerOptions_AreValidatedAtStart()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            LocalAIServer.StartAsync(b => b.AddBackend("fake", _ => new FakeBackend("fake")), o => { o.ApiKey = "short"; o.RequestTimeout = TimeSpan.Zero; }));

        Assert.Contains("LocalAI:Server:ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("LocalAI:Server:RequestTimeout", error.Message, StringComparison.Ordinal);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Streams one update, then waits for more until cancelled, and records the cancellation.</summary>
    private sealed class BlockingStreamClient : IChatClient
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "first");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Cancelled.TrySetResult();
                }
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
