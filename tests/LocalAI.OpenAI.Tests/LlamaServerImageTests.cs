using LocalAI.Testing;
using LocalAI.Testing.Gguf;

namespace LocalAI.OpenAI.Tests;

/// <summary>Images in chat messages through the backend to real llama-servers: one with the tiny vision projector (<c>--mmproj</c>), one without.</summary>
[Collection(LlamaServerCollection.Name)]
public sealed class LlamaServerImageTests(LlamaServerFixture fixture)
{
    private const string Prompt = "Describe the picture.";
    private static readonly ChatOptions Greedy = new() { Temperature = 0f, Seed = 42, MaxOutputTokens = 4 };

    [LlamaServerFact]
    public async Task AnImage_ReachesTheModel_AsTheProjectorsTokens_WhateverItsSize()
    {
        var chat = fixture.VisionBackend.GetChatClient();
        var small = Image(TinyPng.Noise(20, 12, seed: 1));
        var large = Image(TinyPng.Noise(48, 48, seed: 2));

        var empty = await InputTokens(chat, new TextContent(string.Empty));
        var smallOnly = await InputTokens(chat, small);
        var largeOnly = await InputTokens(chat, large);
        var text = await InputTokens(chat, new TextContent(Prompt));
        var textAndSmall = await InputTokens(chat, new TextContent(Prompt), small);
        var textAndLarge = await InputTokens(chat, new TextContent(Prompt), large);
        var answer = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent(Prompt), small])], Greedy);

        // llama.cpp resizes every image to the projector's 32 pixels and cuts it into 8-pixel patches: (32 / 8)² = 16 tokens in the prompt.
        Assert.Equal(TinyModels.VisionImageTokens, smallOnly - empty);
        Assert.Equal(TinyModels.VisionImageTokens, largeOnly - empty);

        // Beside text, an image also brings the separator the server puts between the parts of a message.
        Assert.True(textAndSmall - text >= TinyModels.VisionImageTokens, $"text and an image are {textAndSmall} tokens, the text alone {text}");
        Assert.Equal(textAndSmall, textAndLarge);
        Assert.False(string.IsNullOrEmpty(answer.Text));
        Assert.NotNull(answer.FinishReason);
    }

    [LlamaServerFact]
    public async Task AnImage_Streamed_CountsInTheUsageOfTheLastChunk()
    {
        var chat = fixture.VisionBackend.GetChatClient();
        var message = new ChatMessage(ChatRole.User, [new TextContent(Prompt), Image(TinyPng.Noise(32, 32, seed: 3))]);

        var whole = await chat.GetResponseAsync([message], Greedy);
        var streamed = (await TestSupport.CollectAsync(chat.GetStreamingResponseAsync([message], Greedy))).ToChatResponse();

        Assert.NotNull(streamed.FinishReason);
        Assert.Equal(whole.Usage!.InputTokenCount, streamed.Usage?.InputTokenCount);
    }

    [LlamaServerFact]
    public async Task AnImage_ToAServerWithoutAProjector_IsRefused_WithTheServersMessage_AndTheServerStaysUp()
    {
        using var backend = LlamaServerFixture.CreateBackend(fixture.Chat.ApiBase, o => o.EnableVision = true);
        var chat = backend.GetChatClient();
        var message = new ChatMessage(ChatRole.User, [new TextContent(Prompt), Image(TinyPng.Noise(8, 8, seed: 4))]);

        var ex = await Assert.ThrowsAsync<BackendProtocolException>(() => chat.GetResponseAsync([message], Greedy));
        var streamed = await Assert.ThrowsAsync<BackendProtocolException>(() => TestSupport.CollectAsync(chat.GetStreamingResponseAsync([message], Greedy)));
        var circuit = backend.GetCircuitState(fixture.Chat.ApiBase);
        var text = await chat.GetResponseAsync("hi", Greedy);

        foreach (var refusal in new[] { ex, streamed })
        {
            Assert.Equal("llamaserver", refusal.BackendId);
            Assert.Contains("image input is not supported", refusal.Message);
            Assert.Contains("--mmproj", refusal.Message);
        }

        // A refused image is the request's fault, not the server's: its circuit stays closed and text still goes to it.
        Assert.Equal(EndpointCircuitState.Closed, circuit);
        Assert.False(string.IsNullOrEmpty(text.Text));
    }

    private static DataContent Image(byte[] png) => new(png, "image/png");

    private static async Task<long> InputTokens(IChatClient chat, params AIContent[] contents)
    {
        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, contents)], Greedy);
        return response.Usage?.InputTokenCount ?? throw new InvalidOperationException("The server reported no usage.");
    }
}
