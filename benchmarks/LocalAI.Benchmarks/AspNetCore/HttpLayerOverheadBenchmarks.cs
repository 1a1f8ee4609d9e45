using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using LocalAI.AspNetCore;
using LocalAI.Benchmarks.Routing;
using LocalAI.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;

namespace LocalAI.Benchmarks.AspNetCore;

/// <summary>
/// What <c>MapLocalAI</c>'s OpenAI-compatible endpoints on a loopback Kestrel add to a request, against calling the same router in process,
/// with zero-cost in-memory backends behind both: a 1-token chat, a stream of 1 and of 100 updates (their difference is the per-update cost), a 10-text embedding.
/// </summary>
[MemoryDiagnoser]
public class HttpLayerOverheadBenchmarks
{
    private const string ChatModel = "bench-chat";
    private const string EmbeddingModel = "bench-embed";
    private static readonly ChatMessage[] Messages = [new(ChatRole.User, "hi")];
    private static readonly string[] Texts = Enumerable.Range(0, 10).Select(i => $"text number {i} to embed").ToArray();
    private static readonly ChatOptions OneUpdate = new() { MaxOutputTokens = 1 };
    private static readonly ChatOptions HundredUpdates = new() { MaxOutputTokens = 100 };
    private static readonly ConcurrentDictionary<string, float[]> Vectors = new();
    private static readonly byte[] FloorAnswer = """{"id":"chatcmpl-floor","content":"ok"}"""u8.ToArray();

    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private IChatClient _router = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _embeddingRouter = null!;
    private IChatClient _openAIChat = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _openAIEmbeddings = null!;
    private byte[] _chatBody = null!;
    private byte[] _stream1Body = null!;
    private byte[] _stream100Body = null!;
    private byte[] _embeddingBody = null!;
    private byte[] _embeddingBase64Body = null!;
    private byte[] _floorEmbeddingAnswer = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var backend = new FakeBackend("memory", BackendCapabilities.Chat | BackendCapabilities.Streaming | BackendCapabilities.Embeddings)
        {
            ChatClient = new InMemoryChatClient(1),
            Embeddings = new FakeEmbeddingGenerator(EmbeddingModel, 384) { Vectors = UnitVectorOf },
        };
        backend.Models.Add(ChatModel);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddLocalAI(b => b.AddBackend(backend.Id, _ => backend)).Configure(BenchmarkRouterOptions.Apply);
        builder.Services.AddLocalAIServer(_ => { });
        _app = builder.Build();
        _app.MapLocalAI();

        // Floors: Kestrel and HttpClient alone, reading the request and answering a fixed JSON body with and without a Content-Length.
        _app.MapPost("/floor/sized", static context => AnswerFixedAsync(context, FloorAnswer));
        _app.MapPost("/floor/json", static async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            await context.Response.WriteAsJsonAsync(new FloorReply { Id = "chatcmpl-floor", Content = "ok" }, FloorJsonContext.Default.FloorReply);
        });
        _app.MapPost("/floor/embeddings", context => AnswerFixedAsync(context, _floorEmbeddingAnswer));
        await _app.StartAsync();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First() + "/");

        _router = _app.Services.GetRequiredService<IChatClient>();
        _embeddingRouter = _app.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false }) { BaseAddress = address };
        var openAI = new OpenAIClient(new ApiKeyCredential("no-key"), new OpenAIClientOptions
        {
            Endpoint = new Uri(address, "v1/"),
            RetryPolicy = new ClientRetryPolicy(0),
            Transport = new HttpClientPipelineTransport(_http),
        });
        _openAIChat = openAI.GetChatClient(ChatModel).AsIChatClient();
        _openAIEmbeddings = openAI.GetEmbeddingClient(EmbeddingModel).AsIEmbeddingGenerator();

        _chatBody = Encoding.UTF8.GetBytes($$"""{"model":"{{ChatModel}}","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""");
        _stream1Body = Encoding.UTF8.GetBytes($$"""{"model":"{{ChatModel}}","messages":[{"role":"user","content":"hi"}],"max_tokens":1,"stream":true}""");
        _stream100Body = Encoding.UTF8.GetBytes($$"""{"model":"{{ChatModel}}","messages":[{"role":"user","content":"hi"}],"max_tokens":100,"stream":true}""");
        _embeddingBody = Encoding.UTF8.GetBytes($$"""{"model":"{{EmbeddingModel}}","input":[{{string.Join(",", Texts.Select(t => "\"" + t + "\""))}}]}""");
        _embeddingBase64Body = Encoding.UTF8.GetBytes($$"""{"model":"{{EmbeddingModel}}","encoding_format":"base64","input":[{{string.Join(",", Texts.Select(t => "\"" + t + "\""))}}]}""");

        _floorEmbeddingAnswer = await PostAsync(_embeddingBody, "v1/embeddings");

        // Every path must answer what the benchmark claims it does before anything is measured.
        // One chunk per update, then the chunk carrying finish_reason.
        Expect(await HttpStreamAsync(_stream100Body), 101, "SSE chunks of a 100-update stream");
        Expect(await InProcessStreamAsync(HundredUpdates), 100, "updates of a 100-update in-process stream");
        Expect((await _openAIEmbeddings.GenerateAsync(Texts)).Count, 10, "embeddings through the OpenAI client");
        Expect((await HttpChat()).Length > 0 ? 1 : 0, 1, "non-empty chat answers");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _openAIChat.Dispose();
        _openAIEmbeddings.Dispose();
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Chat")]
    public Task<ChatResponse> InProcessChat() => _router.GetResponseAsync(Messages, OneUpdate);

    [Benchmark]
    [BenchmarkCategory("Chat")]
    public Task<byte[]> HttpChat() => PostAsync(_chatBody, "v1/chat/completions");

    /// <summary>Kestrel and HttpClient alone: the same request to an endpoint answering fixed bytes with a Content-Length.</summary>
    [Benchmark]
    [BenchmarkCategory("Chat")]
    public Task<byte[]> HttpFloorSized() => PostAsync(_chatBody, "floor/sized");

    /// <summary>Kestrel and HttpClient alone, answering with <c>WriteAsJsonAsync</c> (chunked, as the endpoints do).</summary>
    [Benchmark]
    [BenchmarkCategory("Chat")]
    public Task<byte[]> HttpFloorJson() => PostAsync(_chatBody, "floor/json");

    [Benchmark]
    [BenchmarkCategory("Chat")]
    public Task<ChatResponse> OpenAIClientChat() => _openAIChat.GetResponseAsync(Messages, OneUpdate);

    [Benchmark]
    [BenchmarkCategory("Stream")]
    public Task<int> InProcessStream1() => InProcessStreamAsync(OneUpdate);

    [Benchmark]
    [BenchmarkCategory("Stream")]
    public Task<int> HttpStream1() => HttpStreamAsync(_stream1Body);

    [Benchmark]
    [BenchmarkCategory("Stream")]
    public Task<int> InProcessStream100() => InProcessStreamAsync(HundredUpdates);

    [Benchmark]
    [BenchmarkCategory("Stream")]
    public Task<int> HttpStream100() => HttpStreamAsync(_stream100Body);

    [Benchmark]
    [BenchmarkCategory("Stream")]
    public Task<int> OpenAIClientStream100() => CountAsync(_openAIChat.GetStreamingResponseAsync(Messages, HundredUpdates));

    [Benchmark]
    [BenchmarkCategory("Embeddings")]
    public Task<GeneratedEmbeddings<Embedding<float>>> InProcessEmbed10() => _embeddingRouter.GenerateAsync(Texts);

    [Benchmark]
    [BenchmarkCategory("Embeddings")]
    public Task<byte[]> HttpEmbed10() => PostAsync(_embeddingBody, "v1/embeddings");

    /// <summary>Kestrel and HttpClient alone, answering the float embeddings answer's own bytes (about 50 KB) with a Content-Length: what its size costs.</summary>
    [Benchmark]
    [BenchmarkCategory("Embeddings")]
    public Task<byte[]> HttpFloorEmbed10() => PostAsync(_embeddingBody, "floor/embeddings");

    /// <summary>The same request asking for base64 vectors, the OpenAI client's default wire format: no float text to format.</summary>
    [Benchmark]
    [BenchmarkCategory("Embeddings")]
    public Task<byte[]> HttpEmbed10Base64() => PostAsync(_embeddingBase64Body, "v1/embeddings");

    /// <summary>The OpenAI client asks for base64 vectors, so this row measures the base64 encoding the raw row does not.</summary>
    [Benchmark]
    [BenchmarkCategory("Embeddings")]
    public Task<GeneratedEmbeddings<Embedding<float>>> OpenAIClientEmbed10() => _openAIEmbeddings.GenerateAsync(Texts);

    // Components like a sentence encoder's: a seeded unit vector per text (made once), so the float text has the eight or nine digits real vectors need.
    private static float[] UnitVectorOf(string text) => Vectors.GetOrAdd(text, static t =>
    {
        var seed = 17;
        foreach (var c in t)
        {
            seed = unchecked((seed * 31) + c);
        }

        var random = new Random(seed);
        var vector = new float[384];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => v / norm).ToArray();
    });

    private Task<int> InProcessStreamAsync(ChatOptions options) => CountAsync(_router.GetStreamingResponseAsync(Messages, options));

    // A floor endpoint: reads the request, answers fixed JSON bytes with a Content-Length.
    private static async Task AnswerFixedAsync(HttpContext context, byte[] answer)
    {
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer);
    }

    private static void Expect(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"The benchmark setup expected {expected} {what}, got {actual}.");
        }
    }

    private static async Task<int> CountAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var n = 0;
        await foreach (var _ in updates)
        {
            n++;
        }

        return n;
    }

    private async Task<byte[]> PostAsync(byte[] body, string path)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await _http.PostAsync(path, content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Reads the event stream line by line, as a client does, and counts the chunks before <c>[DONE]</c>.</summary>
    private async Task<int> HttpStreamAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = content };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var chunks = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                if (line == "data: [DONE]")
                {
                    return chunks;
                }

                chunks++;
            }
        }

        throw new InvalidOperationException("The event stream ended without data: [DONE].");
    }
}

/// <summary>The fixed answer of the floor endpoint.</summary>
public sealed class FloorReply
{
    public string? Id { get; set; }

    public string? Content { get; set; }
}

[JsonSerializable(typeof(FloorReply))]
internal sealed partial class FloorJsonContext : JsonSerializerContext;
