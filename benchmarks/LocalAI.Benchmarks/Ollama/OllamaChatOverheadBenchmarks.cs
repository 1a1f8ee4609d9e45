using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LocalAI.Ollama;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace LocalAI.Benchmarks.Ollama;

/// <summary>What does the Ollama backend add to a 1-token chat, against raw HttpClient calls to the same loopback server?</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class OllamaChatOverheadBenchmarks
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly ChatOptions OneToken = new() { MaxOutputTokens = 1 };
    private static readonly byte[] ResponseBody = JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "llama3.2",
        messages = new[] { new { role = "user", content = "hi" } },
        stream = false,
        options = new { num_predict = 1 },
    });

    private static readonly byte[] StreamBody = JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "llama3.2",
        messages = new[] { new { role = "user", content = "hi" } },
        options = new { num_predict = 1 },
    });
    private OllamaServerProcess _server = null!;
    private HttpClient _http = null!;
    private OllamaBackend _backend = null!;
    private IChatClient _chat = null!;
    private OllamaApiClient _ollamaSharp = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await BenchmarkServer.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _server.Endpoint };
        _backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoint = _server.Endpoint, DefaultModel = "llama3.2", ContextSize = null });
        _chat = _backend.GetChatClient();
        _ollamaSharp = new OllamaApiClient(new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _server.Endpoint }, "llama3.2");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _backend.DisposeAsync();
        _ollamaSharp.Dispose();
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("response")]
    public async Task<string?> RawHttpClient_Response()
    {
        using var response = await _http.PostAsync("api/chat", Json(ResponseBody));
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        _ = json.RootElement.GetProperty("eval_count").GetInt32();
        return json.RootElement.GetProperty("message").GetProperty("content").GetString();
    }

    [Benchmark]
    [BenchmarkCategory("response")]
    public async Task<string> OllamaSharpAlone_Response() => (await ((IChatClient)_ollamaSharp).GetResponseAsync(Prompt, OneToken)).Text;

    [Benchmark]
    [BenchmarkCategory("response")]
    public async Task<string> Backend_Response() => (await _chat.GetResponseAsync(Prompt, OneToken)).Text;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("stream")]
    public async Task<string> RawHttpClient_Stream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/chat")
        {
            Content = Json(StreamBody),
        };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var text = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            using var json = JsonDocument.Parse(line);
            text.Append(json.RootElement.GetProperty("message").GetProperty("content").GetString());
            if (json.RootElement.GetProperty("done").GetBoolean())
            {
                break;
            }
        }

        return text.ToString();
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [Benchmark]
    [BenchmarkCategory("stream")]
    public async Task<string> OllamaSharpAlone_Stream()
    {
        var text = new StringBuilder();
        await foreach (var update in ((IChatClient)_ollamaSharp).GetStreamingResponseAsync(Prompt, OneToken))
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }

    [Benchmark]
    [BenchmarkCategory("stream")]
    public async Task<string> Backend_Stream()
    {
        var text = new StringBuilder();
        await foreach (var update in _chat.GetStreamingResponseAsync(Prompt, OneToken))
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }
}
