using Xunit.Abstractions;

namespace LocalAI.Ollama.Tests;

/// <summary>Opt-in: runs against a real Ollama when one answers, with the first chat model it has installed.</summary>
public sealed class LiveOllamaTests(ITestOutputHelper output)
{
    [LiveOllamaFact]
    public async Task RealOllama_ListsModels_AndStreamsAChatAnswerWithUsage()
    {
        await using var backend = new OllamaBackend(OllamaBackend.DefaultId, new OllamaBackendOptions { Endpoint = LiveOllama.Endpoint, ContextSize = 2048 });
        var status = await backend.GetStatusAsync();
        Assert.True(status.IsAvailable, status.Reason);
        output.WriteLine($"Ollama {status.Version} at {LiveOllama.Endpoint}");

        var models = await backend.ListModelsAsync();
        var chatModel = models.FirstOrDefault(m => m.Capabilities.HasFlag(BackendCapabilities.Chat));
        if (chatModel is null)
        {
            output.WriteLine("No chat model is installed on the live server; only the model list was checked. Run 'ollama pull llama3.2:1b' to test chat.");
            return;
        }

        var updates = await TestSupport.CollectAsync(backend.GetChatClient(chatModel.Id)
            .GetStreamingResponseAsync("Say hello in one word.", new ChatOptions { MaxOutputTokens = 16 }));
        var text = string.Concat(updates.Select(u => u.Text));
        output.WriteLine($"{chatModel.Id}: {text}");
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Contains(updates.SelectMany(u => u.Contents).OfType<UsageContent>(), u => u.Details.OutputTokenCount > 0);
    }
}
