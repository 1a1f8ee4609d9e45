using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class VerifyInChildProcessTests(ModelFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gguf-verify-").FullName;

    private string CacheFolder => Path.Combine(_folder, "cache");

    [Fact]
    public async Task A_file_that_aborts_llama_cpp_ends_the_child_and_the_request_names_the_signal_and_the_assertion()
    {
        // qwen2's graph asserts that the rotary dimensions equal the head size (models/qwen2.cpp:57), which the managed
        // checks do not cover for this architecture: only a child process can find out.
        var path = WriteQwen2(ropeDimensions: 4);
        GgufFile.Read(path);
        await using var backend = Backend(path);

        var ex = await Assert.ThrowsAsync<InvalidModelFileException>(() => backend.GetChatClient().GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1 }));

        Assert.Contains("SIGABRT", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GGML_ASSERT(n_embd_head == n_rot) failed", ex.Message, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(CacheFolder, "*.invalid"));

        // The verdict is cached by content: a backend that has no verifier at all refuses the file the same way.
        await using var cached = Backend(path, verifierPath: Path.Combine(_folder, "missing.dll"));
        var again = await Assert.ThrowsAsync<InvalidModelFileException>(() => cached.GetChatClient().GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 1 }));
        Assert.Equal(ex.Reason, again.Reason);
    }

    [Fact]
    public async Task A_good_model_is_verified_once_then_its_cached_verdict_is_used()
    {
        var path = WriteQwen2(ropeDimensions: 8);
        await using (var backend = Backend(path))
        {
            var answer = await backend.GetChatClient().GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });
            Assert.Equal(2, answer.Usage!.OutputTokenCount);
        }

        Assert.Single(Directory.GetFiles(CacheFolder, "*.ok"));
        await using var cached = Backend(path, verifierPath: Path.Combine(_folder, "missing.dll"));
        var second = await cached.GetChatClient().GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });
        Assert.Equal(2, second.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task An_embedding_model_is_verified_by_embedding_a_text()
    {
        await using var backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions
        {
            EmbeddingModelPath = fixture.EmbeddingModelPath,
            VerifyInChildProcess = true,
            VerificationCacheDirectory = CacheFolder,
            Threads = 1,
        });

        var embeddings = await backend.GetEmbeddingGenerator().GenerateAsync(["hello"]);

        Assert.Equal(32, embeddings[0].Vector.Length);
        Assert.Single(Directory.GetFiles(CacheFolder, "*.ok"));
    }

    [Fact]
    public async Task A_missing_verifier_is_reported_as_unavailable_with_the_package_to_add()
    {
        await using var backend = Backend(WriteQwen2(ropeDimensions: 8), verifierPath: Path.Combine(_folder, "missing.dll"));

        var ex = await Assert.ThrowsAsync<BackendUnavailableException>(() => backend.GetChatClient().GetResponseAsync("hi"));

        Assert.Contains("LocalAI.Gguf.Verifier", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private GgufBackend Backend(string model, string? verifierPath = null) => new(GgufBackend.DefaultId, new GgufBackendOptions
    {
        ModelPath = model,
        VerifyInChildProcess = true,
        VerificationCacheDirectory = CacheFolder,
        VerifierPath = verifierPath,
        ContextSize = 64,
        Threads = 1,
    });

    /// <summary>The small llama model relabelled as qwen2 (same tensors), with the given rotary dimensions.</summary>
    private string WriteQwen2(int ropeDimensions)
    {
        var writer = GgufWriter.From(TinyModels.Small());
        foreach (var key in writer.Metadata.Select(m => m.Key).Where(k => k.StartsWith("llama.", StringComparison.Ordinal)).ToList())
        {
            writer.Rename(key, "qwen2." + key["llama.".Length..]);
        }

        writer.SetString("general.architecture", "qwen2").SetUInt32("qwen2.rope.dimension_count", (uint)ropeDimensions);
        var path = Path.Combine(_folder, $"qwen2-rope{ropeDimensions}.gguf");
        writer.Write(path);
        return path;
    }
}
