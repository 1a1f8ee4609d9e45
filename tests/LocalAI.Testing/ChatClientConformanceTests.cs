using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>What every backend's <see cref="IChatClient"/> must do; each backend's tests subclass it with a real client.</summary>
public abstract class ChatClientConformanceTests
{
    /// <summary>Gets the options every request of the suite starts from (deterministic decoding where the backend allows it).</summary>
    protected virtual ChatOptions BaseOptions => new() { Temperature = 0f, Seed = 42, MaxOutputTokens = 16 };

    /// <summary>Gets a value indicating whether the backend enforces <see cref="ChatResponseFormat.Json"/>.</summary>
    protected virtual bool SupportsJsonOutput => true;

    /// <summary>Gets a value indicating whether the backend's output is the same for the same seed.</summary>
    protected virtual bool IsDeterministic => true;

    /// <summary>Gets the backend id the client should name.</summary>
    protected abstract string ExpectedProviderName { get; }

    /// <summary>Creates the client under test.</summary>
    /// <returns>The client; the suite disposes it.</returns>
    protected abstract Task<IChatClient> CreateClientAsync();

    [Fact]
    public async Task GetResponseAsync_AnswersWithAnAssistantMessage()
    {
        using var client = await CreateClientAsync();

        var response = await client.GetResponseAsync("Say something.", BaseOptions);

        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.False(string.IsNullOrEmpty(response.Text));
    }

    [Fact]
    public async Task GetResponseAsync_ReportsTokenUsage()
    {
        using var client = await CreateClientAsync();

        var response = await client.GetResponseAsync("Count my tokens.", BaseOptions);

        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 0, "input tokens must be counted");
        Assert.True(response.Usage.OutputTokenCount > 0, "output tokens must be counted");
    }

    [Fact]
    public async Task GetResponseAsync_StopsAtMaxOutputTokens_WithFinishReasonLength()
    {
        using var client = await CreateClientAsync();
        var options = BaseOptions.Clone();
        options.MaxOutputTokens = 3;

        var response = await client.GetResponseAsync("Write a long story.", options);

        Assert.True(response.Usage?.OutputTokenCount is null or <= 3, $"at most 3 output tokens, got {response.Usage?.OutputTokenCount}");
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamsSeveralUpdates_ThatAddUpToTheNonStreamingAnswer()
    {
        using var client = await CreateClientAsync();

        var updates = await client.GetStreamingResponseAsync("Tell me something.", BaseOptions).ToListAsync();
        var streamed = updates.ToChatResponse();

        Assert.True(updates.Count > 1, $"expected several updates, got {updates.Count}");
        Assert.False(string.IsNullOrEmpty(streamed.Text));
        if (IsDeterministic)
        {
            var whole = await client.GetResponseAsync("Tell me something.", BaseOptions);
            Assert.Equal(whole.Text, streamed.Text);
        }
    }

    [Fact]
    public async Task GetResponseAsync_WithJsonFormat_ReturnsJsonThatParses()
    {
        if (!SupportsJsonOutput)
        {
            return;
        }

        using var client = await CreateClientAsync();
        var options = BaseOptions.Clone();
        options.ResponseFormat = ChatResponseFormat.Json;
        options.MaxOutputTokens = 64;

        var response = await client.GetResponseAsync("Answer in JSON.", options);

        using var document = JsonDocument.Parse(response.Text);
        Assert.NotEqual(JsonValueKind.Undefined, document.RootElement.ValueKind);
    }

    [Fact]
    public async Task GetResponseAsync_WithCancelledToken_ThrowsOperationCanceled()
    {
        using var client = await CreateClientAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", BaseOptions, cts.Token));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_StopsWithOperationCanceled()
    {
        using var client = await CreateClientAsync();
        using var cts = new CancellationTokenSource();
        var options = BaseOptions.Clone();
        options.MaxOutputTokens = 64;
        var received = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("Write a long story.", options, cts.Token))
            {
                received++;
                await cts.CancelAsync();
            }
        });

        Assert.True(received >= 1);
    }

    [Fact]
    public async Task Dispose_LeavesClientsCreatedAfterwardsWorking()
    {
        using (var first = await CreateClientAsync())
        {
            await first.GetResponseAsync("hi", BaseOptions);
        }

        using var second = await CreateClientAsync();
        var response = await second.GetResponseAsync("hi again", BaseOptions);

        Assert.False(string.IsNullOrEmpty(response.Text));
    }

    /// <summary>Gets the names of the bad requests every client refuses the same way, before anything is sent.</summary>
    public static TheoryData<string> BadRequestNames => [.. BadRequest.All.Keys];

    [Theory]
    [MemberData(nameof(BadRequestNames))]
    public async Task GetResponseAsync_BadRequest_ThrowsTheSameArgumentExceptionAsEveryBackend(string name)
    {
        var bad = BadRequest.All[name];
        using var client = await CreateClientAsync();

        var thrown = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetResponseAsync(bad.Messages, bad.Options));

        bad.AssertMatches(thrown);
    }

    [Theory]
    [MemberData(nameof(BadRequestNames))]
    public async Task GetStreamingResponseAsync_BadRequest_ThrowsTheSameArgumentExceptionAsEveryBackend(string name)
    {
        var bad = BadRequest.All[name];
        using var client = await CreateClientAsync();

        var thrown = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(bad.Messages, bad.Options))
            {
                Assert.Fail($"'{name}' produced an update: '{update.Text}'");
            }
        });

        bad.AssertMatches(thrown);
    }

    [Fact]
    public async Task GetService_ReturnsMetadataNamingTheProvider()
    {
        using var client = await CreateClientAsync();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(ExpectedProviderName, metadata.ProviderName);
    }
}
