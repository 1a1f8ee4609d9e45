using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LocalAI.Ollama;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace LocalAI.Benchmarks.Ollama;

/// <summary>What does the Ollama backend add to embedding 10 texts, against raw HttpClient calls to the same loopback server?</summary>
[MemoryDiagnoser]
public class OllamaEmbedOverheadBenchmarks
{
    private static readonly string[] Texts = [.. Enumerable.Range(0, 10).Select(i => $"a short passage of text, number {i}")];
    private static readonly byte[] Body = JsonSerializer.SerializeToUtf8Bytes(new { model = "embed-384", input = Texts });
    private OllamaServerProcess _server = null!;
    private HttpClient _http = null!;
    private OllamaBackend _backend = null!;
    private IEmbeddingGenerator<string, Embedding<float>> _generator = null!;
    private OllamaApiClient _ollamaSharp = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await BenchmarkServer.StartAsync();
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _server.Endpoint };
        _backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoint = _server.Endpoint, EmbeddingModel = "embed-384", EmbeddingDimensions = 384 });
        _generator = _backend.GetEmbeddingGenerator();
        _ollamaSharp = new OllamaApiClient(new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = _server.Endpoint }, "embed-384");
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
    public async Task<int> RawHttpClient_Embed10()
    {
        using var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new("application/json");
        using var response = await _http.PostAsync("api/embed", content);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var vectors = new List<float[]>(Texts.Length);
        foreach (var row in json.RootElement.GetProperty("embeddings").EnumerateArray())
        {
            var vector = new float[row.GetArrayLength()];
            var i = 0;
            foreach (var value in row.EnumerateArray())
            {
                vector[i++] = value.GetSingle();
            }

            vectors.Add(vector);
        }

        return vectors.Count;
    }

    [Benchmark]
    public async Task<int> OllamaSharpAlone_Embed10() => (await ((IEmbeddingGenerator<string, Embedding<float>>)_ollamaSharp).GenerateAsync(Texts)).Count;

    [Benchmark]
    public async Task<int> Backend_Embed10() => (await _generator.GenerateAsync(Texts)).Count;
}
