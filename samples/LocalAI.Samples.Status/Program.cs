using LocalAI;
using LocalAI.Samples.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Prints the status of every backend configured in appsettings.json (section "LocalAI"),
// environment variables (LocalAI__...) or the command line (--LocalAI:...).
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();

var services = new ServiceCollection()
    .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddLocalAI(configuration.GetSection(LocalAIOptions.SectionName));

await using var provider = services.BuildServiceProvider();
var manager = provider.GetRequiredService<BackendManager>();
var statuses = await manager.InitializeAsync();
if (statuses.Count == 0)
{
    Console.WriteLine("No backend is configured. Add one under \"LocalAI\" in appsettings.json.");
    return 1;
}

Console.Write(StatusTable.Format(statuses, manager));
var active = await manager.GetActiveBackendAsync();
Console.WriteLine(active is null ? "No backend can serve chat right now." : $"Active chat backend: {active.Id}");
return 0;
