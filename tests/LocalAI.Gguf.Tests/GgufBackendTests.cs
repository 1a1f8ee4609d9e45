using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing.Gguf;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufBackendTests(ModelFixture fixture)
{
    [Fact]
    public async Task Status_is_available_with_the_native_version()
    {
        var status = await fixture.Backend.GetStatusAsync();
        Assert.True(status.IsAvailable, status.Reason);
        Assert.StartsWith("llama.cpp 0.5.0", status.Version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_models_reads_the_folder_and_skips_invalid_files()
    {
        var folder = Directory.CreateTempSubdirectory("gguf-models-").FullName;
        try
        {
            File.Copy(fixture.ChatModelPath, Path.Combine(folder, "chat.gguf"));
            File.Copy(fixture.EmbeddingModelPath, Path.Combine(folder, "embed.gguf"));
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.gguf"), "not a model");
            await using var backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelsDirectory = folder });

            var models = (await backend.ListModelsAsync()).Where(m => m.IsInstalled).ToList();

            Assert.Equal(["chat.gguf", "embed.gguf"], models.Select(m => m.Id));
            var chat = models[0];
            Assert.Equal("llama", chat.Family);
            Assert.Equal("F16", chat.Quantization);
            Assert.Equal(1024, chat.ContextLength);
            Assert.True(chat.Capabilities.HasFlag(BackendCapabilities.Chat));
            Assert.Equal(32, models[1].EmbeddingDimensions);
            Assert.True(models[1].Capabilities.HasFlag(BackendCapabilities.Embeddings));

            var answer = await backend.GetChatClient("chat").GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 2, Temperature = 0 });
            Assert.Equal(2, answer.Usage!.OutputTokenCount);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task Dispose_frees_the_models_and_later_use_throws()
    {
        var backend = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(fixture.ChatModelPath, fixture.EmbeddingModelPath));
        var client = backend.GetChatClient();
        var generator = backend.GetEmbeddingGenerator();
        await client.GetResponseAsync("hello", new ChatOptions { MaxOutputTokens = 2 });
        await generator.GenerateAsync(["hello"]);

        await backend.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync("hello"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["hello"]));
        Assert.Throws<ObjectDisposedException>(() => backend.GetChatClient());
    }

    [Fact]
    public async Task Metadata_names_the_backend_id_as_provider()
    {
        await using var backend = new GgufBackend("gguf-2", ModelFixture.Options(fixture.ChatModelPath, fixture.EmbeddingModelPath));

        Assert.Equal("gguf", fixture.Backend.GetChatClient().GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Equal("gguf", fixture.Backend.GetEmbeddingGenerator().GetService<EmbeddingGeneratorMetadata>()!.ProviderName);
        Assert.Equal("gguf-2", backend.GetChatClient().GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task Corrupt_model_fails_with_invalid_model_file_and_is_retried_once_fixed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-retry-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(path, "this is plainly not a model file at all");
        try
        {
            await using var backend = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelPath = path, Threads = 1, ContextSize = 256 });
            var client = backend.GetChatClient();
            var ex = await Assert.ThrowsAsync<InvalidModelFileException>(() => client.GetResponseAsync("hi"));
            Assert.Contains("bad magic", ex.Message, StringComparison.Ordinal);

            File.Copy(TinyModels.Small(), path, overwrite: true);
            var response = await client.GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 3, Temperature = 0 });
            Assert.Equal(3, response.Usage!.OutputTokenCount);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
