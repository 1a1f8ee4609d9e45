using System.Diagnostics;
using LocalAI;
using LocalAI.Samples;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// A console chat over the LocalAI router: streams tokens, shows which backend answered,
// "/switch <backend>", "/status", "/quit". "--prompt <text>" asks once and exits.
// "--gguf <file.gguf>" adds an in-process llama.cpp backend behind Ollama: with no Ollama running, the router falls back to it.
var configuration = SampleBackends.Configuration(args);
var section = configuration.GetSection("LocalAI");

var services = new ServiceCollection();
services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddLocalAI(section, b => SampleBackends.Add(b, "ollama"));
await using var provider = services.BuildServiceProvider();

var chat = provider.GetRequiredService<IChatClient>();
var manager = provider.GetRequiredService<BackendManager>();
await PrintStatusAsync(manager);

List<ChatMessage> history = [];
if (configuration["Prompt"] is { } single)
{
    await AskAsync(single);
    return;
}

Console.WriteLine("Type a message, /switch <backend>, /status or /quit.");
while (Console.ReadLine() is { } line && line != "/quit")
{
    if (line.StartsWith("/switch ", StringComparison.Ordinal))
    {
        var id = line["/switch ".Length..].Trim();
        try
        {
            var status = await manager.SwitchBackendAsync(id);
            Console.WriteLine($"Now preferring '{status.BackendId}' ({status.Version}).");
        }
        catch (Exception ex) when (ex is LocalAIException or ArgumentException)
        {
            Console.WriteLine(ex.Message);
        }
    }
    else if (line == "/status")
    {
        await PrintStatusAsync(manager);
    }
    else if (line.Length > 0)
    {
        await AskAsync(line);
    }
}

async Task AskAsync(string text)
{
    history.Add(new ChatMessage(ChatRole.User, text));
    var started = Stopwatch.GetTimestamp();
    List<ChatResponseUpdate> updates = [];
    try
    {
        await foreach (var update in chat.GetStreamingResponseAsync(history))
        {
            updates.Add(update);
            Console.Write(update.Text);
        }
    }
    catch (LocalAIException ex)
    {
        Console.WriteLine();
        Console.WriteLine($"[error] {ex.Message}");
        history.RemoveAt(history.Count - 1);
        return;
    }

    var response = updates.ToChatResponse();
    history.AddMessages(response);
    var backend = updates.Select(u => u.AdditionalProperties?["localai.backend"]).FirstOrDefault(b => b is not null);
    Console.WriteLine();
    Console.WriteLine($"[{backend} · {response.ModelId} · {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms · tokens in/out {response.Usage?.InputTokenCount}/{response.Usage?.OutputTokenCount}]");
}

static async Task PrintStatusAsync(BackendManager manager)
{
    foreach (var status in await manager.GetAllStatusAsync(refresh: true))
    {
        var state = status.IsAvailable ? $"available {status.Version}, {status.Models.Count} models" : $"unavailable: {status.Reason}";
        Console.WriteLine($"  {status.BackendId,-16} {state} (circuit {manager.GetCircuitState(status.BackendId)})");
    }
}
