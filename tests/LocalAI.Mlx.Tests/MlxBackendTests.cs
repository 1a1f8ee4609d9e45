using System.Diagnostics;
using LocalAI.Mlx.Tests.Support;
using LocalAI.Testing;
using LocalAI.Testing.Mlx;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx.Tests;

/// <summary>The backend against the real mlx_server.py under python3, with the deterministic test engine.</summary>
public sealed class MlxBackendTests : IAsyncLifetime
{
    private readonly TestLogger _logger = new();
    private MlxBackend _backend = null!;

    public Task InitializeAsync()
    {
        _backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(), _logger);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Status_is_available_with_the_engine_and_python_version()
    {
        var status = await _backend.GetStatusAsync();

        Assert.True(status.IsAvailable, status.Reason);
        Assert.Contains("engine deterministic", status.Version);
        Assert.Contains("Python 3.", status.Version);
        Assert.Equal(1, _backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Streaming_chat_yields_tokens_then_usage_and_finish_reason()
    {
        var chat = _backend.GetChatClient();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("one two three"))
        {
            updates.Add(update);
        }

        Assert.Equal("echo: one two three", string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 4);
        var response = updates.ToChatResponse();
        Assert.Equal(3, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("echo", response.ModelId);
    }

    [Fact]
    public async Task Chat_options_reach_the_server()
    {
        var chat = _backend.GetChatClient();
        var limited = await chat.GetResponseAsync("go", new ChatOptions { ModelId = "count", MaxOutputTokens = 3 });
        var stopped = await chat.GetResponseAsync("a b c d", new ChatOptions { StopSequences = ["c d"], Temperature = 0.2f, TopP = 0.9f, Seed = 7 });

        Assert.Equal("1 2 3 ", limited.Text);
        Assert.Equal(ChatFinishReason.Length, limited.FinishReason);
        Assert.Equal("echo: a b ", stopped.Text);
    }

    [Fact]
    public async Task Vision_sends_image_bytes_with_the_prompt()
    {
        var image = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5, 6 };
        var message = new ChatMessage(ChatRole.User, [new TextContent("what is this?"), new DataContent(image, "image/png")]);

        var response = await _backend.GetChatClient("echo").GetResponseAsync([message]);

        Assert.Equal("image 10 bytes: what is this?", response.Text);
    }

    [Fact]
    public async Task Non_image_data_is_refused_before_sending()
    {
        var message = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1 }, "application/pdf")]);
        await Assert.ThrowsAsync<NotSupportedException>(() => _backend.GetChatClient().GetResponseAsync([message]));
    }

    [Fact]
    public async Task Unknown_model_is_ModelNotFoundException()
    {
        var error = await Assert.ThrowsAsync<ModelNotFoundException>(() => _backend.GetChatClient("no-such-model").GetResponseAsync("hi"));
        Assert.Equal("no-such-model", error.Model);
        Assert.Equal("mlx", error.BackendId);
    }

    [Fact]
    public async Task Embeddings_are_batched_normalised_and_equal_in_base64_and_json()
    {
        string[] texts = ["alpha", "beta", "gamma", "alpha"];
        var base64 = await _backend.GetEmbeddingGenerator().GenerateAsync(texts);
        await using var jsonBackend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.EmbeddingEncoding = MlxEmbeddingEncoding.Json));
        var json = await jsonBackend.GetEmbeddingGenerator().GenerateAsync(texts);

        Assert.Equal(4, base64.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(384, base64[i].Vector.Length);
            Assert.Equal(json[i].Vector.ToArray(), base64[i].Vector.ToArray());
            Assert.InRange(base64[i].Vector.Span.ToArray().Sum(v => v * v), 0.999f, 1.001f);
        }

        Assert.Equal(base64[0].Vector.ToArray(), base64[3].Vector.ToArray());
        Assert.NotEqual(base64[0].Vector.ToArray(), base64[1].Vector.ToArray());
        Assert.Equal("test-embed-384", base64[0].ModelId);
        Assert.Equal(4, base64.Usage?.InputTokenCount);
        Assert.Equal(new EmbeddingModelIdentity("test-embed-384", 384), EmbeddingModelIdentity.FromGenerator(_backend.GetEmbeddingGenerator()));
    }

    [Fact]
    public async Task Embedding_dimensions_that_differ_from_the_options_are_a_protocol_error()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.EmbeddingModel = "test-embed-768"));
        var error = await Assert.ThrowsAsync<BackendProtocolException>(() => backend.GetEmbeddingGenerator().GenerateAsync(["x"]));
        Assert.Contains("LocalAI:mlx:EmbeddingDimensions to 768", error.Message);
    }

    [Fact]
    public void Clients_are_created_without_starting_the_sidecar()
    {
        using var chat = _backend.GetChatClient();
        using var embedder = _backend.GetEmbeddingGenerator();

        Assert.Equal("echo", chat.GetService<ChatClientMetadata>()?.DefaultModelId);
        Assert.Equal(new EmbeddingModelIdentity("test-embed-384", 384), EmbeddingModelIdentity.FromGenerator(embedder));
        Assert.Equal(0, _backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Another_embedding_model_declares_its_dimensions_once_the_first_request_returned_vectors()
    {
        var embedder = _backend.GetEmbeddingGenerator("test-embed-256");
        Assert.Null(embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions);
        Assert.Equal("test-embed-256", embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);

        var vectors = await embedder.GenerateAsync(["x"]);

        Assert.Equal(256, vectors[0].Vector.Length);
        Assert.Equal(new EmbeddingModelIdentity("test-embed-256", 256), EmbeddingModelIdentity.FromGenerator(embedder));
    }

    [Fact]
    public async Task Empty_batch_does_not_start_the_sidecar()
    {
        var result = await _backend.GetEmbeddingGenerator().GenerateAsync([]);
        Assert.Empty(result);
        Assert.Equal(0, _backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Models_are_listed_loaded_and_unloaded()
    {
        await _backend.GetChatClient("echo").GetResponseAsync("hi");
        var models = await _backend.ListModelsAsync();

        var echo = Assert.Single(models, m => m.Id == "echo");
        Assert.True(echo.IsLoaded);
        Assert.Equal(384, Assert.Single(models, m => m.Id == "test-embed-384").EmbeddingDimensions);
        Assert.True(await _backend.UnloadModelAsync("echo"));
        Assert.False(await _backend.UnloadModelAsync("echo"));
    }

    [Fact]
    public async Task Models_the_sidecar_lists_gain_the_catalogs_words_and_catalog_models_it_does_not_list_follow_as_not_installed()
    {
        var options = TestPaths.DeterministicOptions();
        options.Catalog.Entries.Add(new ModelCatalogEntry { Id = "test-embed-384", Description = "the test engine's embedder", Tags = { "test" }, Role = "embeddings", EmbeddingDimensions = 384 });
        await using var backend = new MlxBackend(MlxBackend.DefaultId, options, _logger);

        var models = await backend.ListModelsAsync();

        Assert.Equal(["echo", "count", "hang", "test-embed-384"], models.Where(m => m.IsInstalled).Select(m => m.Id));
        var embed = Assert.Single(models, m => m.Id == "test-embed-384");
        Assert.Equal(("the test engine's embedder", "test", "embeddings", 384), (embed.Description, Assert.Single(embed.Tags), embed.Role, embed.EmbeddingDimensions));
        Assert.Equal(
            ["mlx-community/all-MiniLM-L6-v2-4bit", "mlx-community/Llama-3.2-3B-Instruct-4bit", "mlx-community/pixtral-12b-4bit"],
            models.Where(m => !m.IsInstalled).Select(m => m.Id));
        var chairman = Assert.Single(models, m => m.Id == "mlx-community/Llama-3.2-3B-Instruct-4bit");
        Assert.Equal(("mlx", "chairman", BackendCapabilities.Chat | BackendCapabilities.Streaming), (chairman.BackendId, chairman.Role, chairman.Capabilities));
        Assert.NotNull(chairman.Description);
    }

    [Fact]
    public async Task Download_reports_forward_progress_and_completion()
    {
        var reports = new List<ModelDownloadProgress>();
        await _backend.DownloadModelAsync("tiny-model", new SynchronousProgress<ModelDownloadProgress>(reports.Add));

        Assert.Equal(["config.json", "tokenizer.json", "model.safetensors"], reports.Where(r => r.Part is not null && r.Status == "downloading").Select(r => r.Part));
        Assert.Equal(reports.Select(r => r.Percent).Order(), reports.Select(r => r.Percent));
        Assert.True(reports[^1].IsCompleted);
        Assert.Equal(1000, reports.First(r => r.Part == "model.safetensors").BytesTotal);
        await Assert.ThrowsAsync<ModelNotFoundException>(() => _backend.DownloadModelAsync("no-such-model"));
    }

    [Fact]
    public async Task Hundred_concurrent_requests_share_one_process()
    {
        var chat = _backend.GetChatClient();
        var embedder = _backend.GetEmbeddingGenerator();
        var tasks = Enumerable.Range(0, 100).Select(async i =>
        {
            if (i % 2 == 0)
            {
                var response = await chat.GetResponseAsync($"request {i}");
                return response.Text == $"echo: request {i}";
            }

            var vector = (await embedder.GenerateAsync([$"text {i}"]))[0].Vector;
            var expected = (await embedder.GenerateAsync([$"text {i}"]))[0].Vector;
            return vector.Span.SequenceEqual(expected.Span) && vector.Length == 384;
        }).ToList();

        var results = await Task.WhenAll(tasks);

        Assert.All(results, Assert.True);
        Assert.Equal(1, _backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_the_generation_on_the_server()
    {
        // The server runs 8 requests at once: if cancelled generations kept running, the later ones would never start.
        var chat = _backend.GetChatClient("hang");
        for (var i = 0; i < 12; i++)
        {
            using var cts = new CancellationTokenSource();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in chat.GetStreamingResponseAsync("wait", cancellationToken: cts.Token))
                {
                    await cts.CancelAsync();
                }
            });
        }

        var counted = new List<string>();
        using (var cts = new CancellationTokenSource())
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in _backend.GetChatClient("count").GetStreamingResponseAsync("go", cancellationToken: cts.Token))
                {
                    counted.Add(update.Text);
                    if (counted.Count == 3)
                    {
                        await cts.CancelAsync();
                    }
                }
            });
        }

        Assert.Equal(["1 ", "2 ", "3 "], counted);
        Assert.Equal("echo: still here", (await _backend.GetChatClient().GetResponseAsync("still here")).Text);
        Assert.Equal(1, _backend.Sidecar.StartCount);
    }

    [Fact]
    public async Task Malformed_line_gets_an_error_and_the_process_lives_on()
    {
        var process = await _backend.Sidecar.EnsureStartedAsync(CancellationToken.None);
        var logged = _logger.WaitForAsync((id, message) => id.Id == 4105 && message.Contains("bad_json", StringComparison.Ordinal));

        await process.WriteLineAsync("this is not json\n"u8.ToArray(), CancellationToken.None);
        await logged.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("echo: fine", (await _backend.GetChatClient().GetResponseAsync("fine")).Text);
        Assert.Equal(process.Id, _backend.Sidecar.ProcessId);
    }

    [Fact]
    public async Task Oversized_request_fails_alone()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.MaxRequestLineBytes = 4096));
        var pid = (await backend.Sidecar.EnsureStartedAsync(CancellationToken.None)).Id;

        var error = await Assert.ThrowsAsync<BackendProtocolException>(() => backend.GetEmbeddingGenerator().GenerateAsync([new string('x', 10_000)]));

        Assert.Equal("line_too_long", error.ErrorCode);
        Assert.Single(await backend.GetEmbeddingGenerator().GenerateAsync(["small"]));
        Assert.Equal(pid, backend.Sidecar.ProcessId);
    }

    [Fact]
    public async Task Stderr_of_the_sidecar_goes_to_the_logger()
    {
        await using var backend = new MlxBackend(MlxBackend.DefaultId, TestPaths.DeterministicOptions(o => o.Engine = MlxTestEngine.Noisy), _logger);
        var logged = _logger.WaitForAsync((id, message) => id.Id == 4103 && message.Contains("noise from the engine during a request", StringComparison.Ordinal));

        Assert.Single(await backend.GetEmbeddingGenerator().GenerateAsync(["x"]));

        await logged.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dispose_shuts_the_process_down_gracefully()
    {
        await _backend.GetStatusAsync();
        var process = _backend.Sidecar.Current!;
        using var os = Process.GetProcessById(process.Id);

        await _backend.DisposeAsync();

        Assert.True(os.HasExited);
        Assert.Equal(0, process.ExitCode);
        Assert.DoesNotContain(_logger.Entries, e => e.Id.Id == 4107);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => _backend.GetChatClient().GetResponseAsync("x"));
    }

    [Fact]
    public async Task Dispose_fails_in_flight_requests_as_unavailable()
    {
        var stream = _backend.GetChatClient("hang").GetStreamingResponseAsync("wait").GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        var next = stream.MoveNextAsync().AsTask();
        var process = _backend.Sidecar.Current!;

        await _backend.DisposeAsync();

        await Assert.ThrowsAsync<BackendUnavailableException>(() => next);
        await stream.DisposeAsync();
        Assert.Equal(0, process.ExitCode);
    }
}
