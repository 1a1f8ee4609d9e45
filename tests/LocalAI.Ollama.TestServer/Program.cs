using System.Runtime.InteropServices;
using LocalAI.Ollama.TestServer;

// Behaves like `ollama serve` for process-management tests: reads OLLAMA_HOST, serves until SIGTERM.
// OLLAMA_TEST_EXIT_AT_START=<code> exits at once; OLLAMA_TEST_START_DELAY_MS=<ms> listens only after a delay; OLLAMA_TEST_IGNORE_SIGTERM=1 ignores SIGTERM; POST /test/crash exits.
if (args.Length == 0 || args[0] != "serve")
{
    Console.Error.WriteLine("usage: ollama serve");
    return 2;
}

if (int.TryParse(Environment.GetEnvironmentVariable("OLLAMA_TEST_EXIT_AT_START"), out var exitCode))
{
    Console.Error.WriteLine("Error: simulated failure at start");
    return exitCode;
}

if (int.TryParse(Environment.GetEnvironmentVariable("OLLAMA_TEST_START_DELAY_MS"), out var startDelay))
{
    // A server slow to start (loading, a busy machine): it listens only after the delay.
    Console.Error.WriteLine($"starting in {startDelay} ms");
    await Task.Delay(startDelay);
}

var hostValue = Environment.GetEnvironmentVariable("OLLAMA_HOST") ?? "127.0.0.1:11434";
hostValue = hostValue.Replace("http://", string.Empty, StringComparison.Ordinal).TrimEnd('/');
var colon = hostValue.LastIndexOf(':');
var host = colon > 0 ? hostValue[..colon] : hostValue;
var port = colon >= 0 ? int.Parse(hostValue[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 11434;

PosixSignalRegistration? ignore = null;
if (Environment.GetEnvironmentVariable("OLLAMA_TEST_IGNORE_SIGTERM") == "1")
{
    ignore = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        Console.Error.WriteLine("ignoring SIGTERM");
        context.Cancel = true;
    });
}

try
{
    await using var server = await OllamaTestServer.StartAsync(host, port);
    server.Install(new TestModel("embed-384:latest", "bert", "22M", "F16", 45_000_000) { EmbeddingLength = 384 });
    Console.Error.WriteLine($"Listening on {server.Uri} (version {OllamaTestServer.Version}), models in {Environment.GetEnvironmentVariable("OLLAMA_MODELS") ?? "(default)"}, parallel {Environment.GetEnvironmentVariable("OLLAMA_NUM_PARALLEL") ?? "(default)"}");
    if (ignore is not null)
    {
        await Task.Delay(Timeout.Infinite);
    }

    await server.WaitForShutdownAsync();
    Console.Error.WriteLine("shut down gracefully");
    return 0;
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Error: listen tcp {host}:{port}: {ex.Message}");
    return 1;
}
finally
{
    ignore?.Dispose();
}
