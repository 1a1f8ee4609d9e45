using LocalAI;
using LocalAI.Samples;
using LocalAI.Samples.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// Prints the status of every backend configured in appsettings.json (section "LocalAI"),
// environment variables (LocalAI__...) or the command line (--backends, --gguf, --onnx, --ollama, --LocalAI:...).
// Commands: (none) the status table; `models` every backend's models, installed or in its catalog;
// `pull <backend> <model>` a download with a progress bar (Ctrl+C cancels); `rm <backend> <model>` a delete.
var configuration = SampleBackends.Configuration(args);
var command = SampleBackends.Positional(args);
if (command is not ([] or ["models"] or ["pull", _, _] or ["rm", _, _]))
{
    Console.Error.WriteLine("usage: LocalAI.Samples.Status [models | pull <backend> <model> | rm <backend> <model>] [--backends ids] [--ollama url] ...");
    return 2;
}

var services = new ServiceCollection()
    .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddLocalAI(configuration.GetSection(LocalAIOptions.SectionName), b => SampleBackends.Add(b, "ollama,gguf,mlx,onnx"));

await using var provider = services.BuildServiceProvider();
var manager = provider.GetRequiredService<BackendManager>();
var statuses = await manager.InitializeAsync();
if (statuses.Count == 0)
{
    Console.WriteLine("No backend is configured. Name some in LocalAI:Backends (appsettings.json) or with --backends.");
    return 1;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C cancels the command; the process ends through its normal path.
    e.Cancel = true;
    cancel.Cancel();
};
var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    console.Profile.Width = Math.Max(console.Profile.Width, 160);
}

switch (command)
{
    case ["models"]:
        return await ModelCommands.ListAsync(manager, console, cancel.Token);
    case ["pull", var backend, var model]:
        return await ModelCommands.PullAsync(manager, backend, model, console, cancel.Token);
    case ["rm", var backend, var model]:
        return await ModelCommands.RemoveAsync(manager, backend, model, console, cancel.Token);
}

Console.Write(StatusTable.Format(statuses, manager));
var chat = await manager.GetActiveBackendAsync(BackendCapabilities.Chat);
var embeddings = await manager.GetActiveBackendAsync(BackendCapabilities.Embeddings);
Console.WriteLine(chat is null ? "No backend can serve chat right now." : $"Active chat backend: {chat.Id}");
Console.WriteLine(embeddings is null ? "No backend can serve embeddings right now." : $"Active embedding backend: {embeddings.Id}");
return 0;
