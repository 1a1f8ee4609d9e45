using System.Text.Json;
using LocalAI.Gguf.Tests.Fixtures;
using Microsoft.Extensions.AI;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufChatClientTests(ModelFixture fixture)
{
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Tell me about the weather in Paris.")];

    private IChatClient Client => fixture.Backend.GetChatClient();

    [Fact]
    public async Task Streaming_equals_non_streaming()
    {
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };
        var whole = await Client.GetResponseAsync(Question, options);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Client.GetStreamingResponseAsync(Question, options))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 2);
        Assert.False(string.IsNullOrEmpty(whole.Text));
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(whole.Usage!.OutputTokenCount, updates.ToChatResponse().Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Same_seed_gives_same_text_and_another_seed_differs()
    {
        ChatOptions Options(long seed) => new() { Temperature = 1.0f, TopK = 40, TopP = 0.95f, Seed = seed, MaxOutputTokens = 16 };
        var a = await Client.GetResponseAsync(Question, Options(42));
        var b = await Client.GetResponseAsync(Question, Options(42));
        var c = await Client.GetResponseAsync(Question, Options(43));
        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(a.Text, c.Text);
    }

    [Fact]
    public async Task Top_k_of_one_samples_the_greedy_token_whatever_the_seed()
    {
        var greedy = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 16 });
        var topOne = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 1.5f, TopK = 1, Seed = 7, MaxOutputTokens = 16 });
        Assert.Equal(greedy.Text, topOne.Text);
    }

    [Theory]
    [InlineData(-50f, 0f)]
    [InlineData(0f, -50f)]
    public async Task Penalties_act_on_generated_tokens(float frequency, float presence)
    {
        // A large negative penalty rewards tokens already generated, so greedy decoding repeats its first token.
        static async Task<List<string>> Pieces(IChatClient client, ChatOptions options)
        {
            var pieces = new List<string>();
            await foreach (var update in client.GetStreamingResponseAsync(Question, options))
            {
                if (update.Text.Length > 0)
                {
                    pieces.Add(update.Text);
                }
            }

            return pieces;
        }

        var plain = await Pieces(Client, new ChatOptions { Temperature = 0, MaxOutputTokens = 12 });
        var penalised = await Pieces(Client, new ChatOptions { Temperature = 0, MaxOutputTokens = 12, FrequencyPenalty = frequency, PresencePenalty = presence });

        Assert.True(plain.Distinct().Count() > 1, string.Join("|", plain));
        Assert.Single(penalised.Distinct());
        Assert.Equal(plain[0], penalised[0]);
    }

    [Fact]
    public async Task Max_output_tokens_stops_with_length_and_counts_usage()
    {
        var response = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 5 });
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(5, response.Usage!.OutputTokenCount);
        Assert.True(response.Usage.InputTokenCount > 10);
        Assert.Equal(response.Usage.InputTokenCount + 5, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Stop_sequence_ends_the_text_before_it()
    {
        var free = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 32 });
        var text = free.Text;
        Assert.True(text.Length > 12, text);
        var stop = text.Substring(text.Length / 2, 3);
        var expected = text[..text.IndexOf(stop, StringComparison.Ordinal)];

        var stopped = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 32, StopSequences = [stop] });

        Assert.Equal(expected, stopped.Text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task Json_mode_always_parses()
    {
        for (var seed = 0; seed < 100; seed++)
        {
            var response = await Client.GetResponseAsync(
                [new ChatMessage(ChatRole.User, "Answer in JSON.")],
                new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 1.0f, Seed = seed, MaxOutputTokens = 12 });
            using var document = JsonDocument.Parse(response.Text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
    }

    [Fact]
    public async Task Cancellation_stops_decoding_and_frees_the_context()
    {
        using var cts = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client.GetStreamingResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 100_000 }, cts.Token))
            {
                if (++received == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(3, received);

        // Every context is free again: a full set of parallel requests still runs.
        var after = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 })));
        Assert.All(after, r => Assert.Equal(4, r.Usage!.OutputTokenCount));
    }

    [Fact]
    public async Task Eight_parallel_requests_each_get_their_own_answer()
    {
        var prompts = Enumerable.Range(0, 8).Select(i => new[] { new ChatMessage(ChatRole.User, $"Question number {i} about cats.") }).ToArray();
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 12 };
        var sequential = new List<string>();
        foreach (var prompt in prompts)
        {
            sequential.Add((await Client.GetResponseAsync(prompt, options)).Text);
        }

        var parallel = await Task.WhenAll(prompts.Select(p => Task.Run(() => Client.GetResponseAsync(p, options))));

        Assert.Equal(sequential, parallel.Select(r => r.Text));
        Assert.True(sequential.Distinct().Count() > 1);
    }

    [Fact]
    public async Task Prefix_cache_reuses_the_previous_turn_and_gives_the_same_tokens()
    {
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 12 };
        var conversation = new List<ChatMessage> { new(ChatRole.System, "You are a terse assistant."), new(ChatRole.User, "Name a colour of the sea, please.") };

        await using var cached = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(fixture.ChatModelPath, fixture.EmbeddingModelPath));
        await using var uncached = new GgufBackend(GgufBackend.DefaultId, new GgufBackendOptions { ModelPath = fixture.ChatModelPath, Threads = 1, ContextSize = 1024, EnablePrefixCache = false, MaxParallelRequests = 1 });
        var client = cached.GetChatClient();
        var first = await client.GetResponseAsync(conversation, options);
        conversation.AddRange(first.Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "And another one?"));

        var second = await client.GetResponseAsync(conversation, options);
        var reference = await uncached.GetChatClient().GetResponseAsync(conversation, options);

        Assert.Equal(reference.Text, second.Text);
        Assert.Equal(0, first.Usage!.CachedInputTokenCount);
        Assert.Equal(0, reference.Usage!.CachedInputTokenCount);
        var evaluated = second.Usage!.InputTokenCount - second.Usage.CachedInputTokenCount;
        Assert.True(second.Usage.CachedInputTokenCount >= first.Usage.InputTokenCount, $"reused {second.Usage.CachedInputTokenCount} of {second.Usage.InputTokenCount}");
        Assert.True(evaluated < second.Usage.InputTokenCount / 2, $"evaluated {evaluated} of {second.Usage.InputTokenCount}");
    }

    [Fact]
    public async Task Response_names_the_model()
    {
        var response = await Client.GetResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 2 });
        Assert.Equal(Path.GetFileName(fixture.ChatModelPath), response.ModelId);
        Assert.Equal(ChatRole.Assistant, response.Messages[0].Role);
    }

    [Fact]
    public async Task Streaming_looks_for_and_loads_the_model_only_when_enumerated()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gguf-deferred-{Guid.NewGuid():N}.gguf");
        try
        {
            await using var backend = new GgufBackend(GgufBackend.DefaultId, ModelFixture.Options(path, fixture.EmbeddingModelPath));
            var stream = backend.GetChatClient().GetStreamingResponseAsync(Question, new ChatOptions { Temperature = 0, MaxOutputTokens = 2 });

            File.Copy(fixture.ChatModelPath, path);
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in stream)
            {
                updates.Add(update);
            }

            Assert.Equal(2, updates.ToChatResponse().Usage!.OutputTokenCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Unknown_model_throws_model_not_found()
    {
        await Assert.ThrowsAsync<ModelNotFoundException>(() => Client.GetResponseAsync(Question, new ChatOptions { ModelId = "missing.gguf" }));
    }
}
