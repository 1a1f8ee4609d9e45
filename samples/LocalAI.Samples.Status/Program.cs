using LocalAI;
using LocalAI.Samples;
using LocalAI.Samples.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Prints the status of every backend configured in appsettings.json (section "LocalAI"),
// environment variables (LocalAI__...) or the command line (--backends, --gguf, --onnx, --ollama, --LocalAI:...).
var configuration = SampleBackends.Configuration(args);

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

Console.Write(StatusTable.Format(statuses, manager));
var chat = await manager.GetActiveBackendAsync(BackendCapabilities.Chat);
var embeddings = await manager.GetActiveBackendAsync(BackendCapabilities.Embeddings);
Console.WriteLine(chat is null ? "No backend can serve chat right now." : $"Active chat backend: {chat.Id}");
Console.WriteLine(embeddings is null ? "No backend can serve embeddings right now." : $"Active embedding backend: {embeddings.Id}");
return 0;
