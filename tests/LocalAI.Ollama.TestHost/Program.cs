using LocalAI.Ollama;

// A host application for parent-death tests: starts the embedded server with the given binary as its `ollama`,
// prints "ready <server pid>" once it answers, then waits to be killed.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: LocalAI.Ollama.TestHost <ollama binary>");
    return 2;
}

var server = new OllamaServerProcess(new OllamaEmbeddedBackendOptions { BinaryPath = args[0] });
await server.StartAsync();
Console.WriteLine($"ready {server.ProcessId}");
await Task.Delay(Timeout.Infinite);
return 0;
