using System.ClientModel;
using LocalAI.AspNetCore.Tests.Support;
using LocalAI.OpenAI;
using LocalAI.Testing;
using LocalAI.Testing.Gguf;
using LocalAI.Testing.LlamaServer;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace LocalAI.AspNetCore.Tests;

/// <summary>
/// Images end to end: the official OpenAI .NET client sends <c>image_url</c> data URIs to this server's <c>/v1/chat/completions</c>, the
/// router hands them to the OpenAI-compatible backend, and that sends them on to a real llama-server with the tiny vision projector.
/// </summary>
public sealed class ImageChatCompletionsTests : IAsyncLifetime
{
    private const string Prompt = "Describe the picture.";

    private LlamaServer? _vision;
    private LlamaServer? _textOnly;
    private LocalAIServer? _server;
    private LocalAIServer? _textOnlyServer;

    public async Task InitializeAsync()
    {
        if (LlamaServer.Unavailable is not null)
        {
            return;
        }

        _vision = await LlamaServer.StartAsync(TinyModels.Chat(), "--alias", "tiny-llama", "--mmproj", TinyModels.VisionProjector());
        _textOnly = await LlamaServer.StartAsync(TinyModels.Chat(), "--alias", "tiny-llama");
        _server = await LocalAIServer.StartAsync(b => b.AddOpenAICompatible("llamaserver", o => Configure(o, _vision.ApiBase)));
        _textOnlyServer = await LocalAIServer.StartAsync(b => b.AddOpenAICompatible("llamaserver", o => Configure(o, _textOnly.ApiBase)));
    }

    public async Task DisposeAsync()
    {
        foreach (var server in new[] { _server, _textOnlyServer })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        foreach (var llama in new[] { _vision, _textOnly })
        {
            if (llama is not null)
            {
                await llama.DisposeAsync();
            }
        }
    }

    [LlamaServerFact]
    public async Task ImageDataUris_ThroughTheOpenAIClient_ReachTheModel_AsTheProjectorsTokens()
    {
        var client = _server!.OpenAI().GetChatClient("tiny-llama");
        var first = ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TinyPng.Noise(20, 12, seed: 1)), "image/png");
        var second = ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TinyPng.Noise(48, 48, seed: 2)), "image/png");

        ChatCompletion empty = await client.CompleteChatAsync([new UserChatMessage(string.Empty)], Greedy());
        ChatCompletion firstOnly = await client.CompleteChatAsync([new UserChatMessage(first)], Greedy());
        ChatCompletion secondOnly = await client.CompleteChatAsync([new UserChatMessage(second)], Greedy());
        ChatCompletion withText = await client.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart(Prompt), first)], Greedy());

        // (32 / 8)² = 16 tokens per image, whatever its size, as in the backend's own tests.
        Assert.Equal(TinyModels.VisionImageTokens, firstOnly.Usage.InputTokenCount - empty.Usage.InputTokenCount);
        Assert.Equal(TinyModels.VisionImageTokens, secondOnly.Usage.InputTokenCount - empty.Usage.InputTokenCount);
        Assert.NotEmpty(withText.Content);
        Assert.Equal(ChatFinishReason.Length, withText.FinishReason);
    }

    [LlamaServerFact]
    public async Task AnImage_ForAServerWithoutAProjector_Is503_WithTheServersMessage()
    {
        var client = _textOnlyServer!.OpenAI().GetChatClient("tiny-llama");
        var image = ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(TinyPng.Noise(8, 8, seed: 3)), "image/png");

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage(ChatMessageContentPart.CreateTextPart(Prompt), image)], Greedy()));
        ChatCompletion text = await client.CompleteChatAsync([new UserChatMessage("hi")], Greedy());

        Assert.Equal(503, error.Status);
        Assert.Contains("image input is not supported", error.Message, StringComparison.Ordinal);
        Assert.Contains("--mmproj", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(text.Content);
    }

    /// <summary>New options per call: the OpenAI client writes the request into the options it is given.</summary>
    private static ChatCompletionOptions Greedy() => new() { Temperature = 0f, MaxOutputTokenCount = 4 };

    private static void Configure(OpenAICompatibleBackendOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.HealthPath = "/health";
        options.DefaultModel = "tiny-llama";
        options.EnableVision = true;
    }
}
