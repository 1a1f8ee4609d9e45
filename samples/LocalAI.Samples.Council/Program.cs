// Runs a council on the question given on the command line, through the backends registered below and configured in
// appsettings.json (section LocalAI, council agents under LocalAI:Council:Agents), and prints each stage as it happens,
// then tokens and latency per stage and model.
//
//   dotnet run --project samples/LocalAI.Samples.Council -- "Why is the sky blue?"
//   dotnet run --project samples/LocalAI.Samples.Council -- "Why is the sky blue?" --LocalAI:Council:Agents:0:Model=llama3.2:1b
//   dotnet run --project samples/LocalAI.Samples.Council -- "Why is the sky blue?" --backends gguf --gguf model.gguf
//
// Without configured agents, the council is made of up to three chat models listed by the available backends.
using System.Globalization;
using LocalAI;
using LocalAI.Council;
using LocalAI.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var question = string.Join(' ', SampleBackends.Positional(args));
if (question.Length == 0)
{
    Console.Error.WriteLine("usage: LocalAI.Samples.Council \"<question>\" [--LocalAI:Council:Agents:0:Model=<model> ...]");
    return 1;
}

var configuration = SampleBackends.Configuration(args);

var discovered = new List<CouncilAgentOptions>();
var services = new ServiceCollection().AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddLocalAI(configuration.GetSection("LocalAI"), b =>
{
    // The backends named in LocalAI:Backends (default: ollama), plus gguf with --gguf <file.gguf>.
    SampleBackends.Add(b, "ollama");
    b.AddCouncil(o =>
    {
        if (o.Agents.Count == 0)
        {
            foreach (var agent in discovered)
            {
                o.Agents.Add(agent);
            }
        }
    });
});
await using var provider = services.BuildServiceProvider();

var manager = provider.GetRequiredService<BackendManager>();
if (manager.Backends.Count == 0)
{
    Console.Error.WriteLine("No LocalAI backend is registered, so the council has no model to ask.");
    Console.Error.WriteLine("Name one in LocalAI:Backends (appsettings.json) or on the command line: --backends ollama, --gguf <file.gguf>.");
    return 2;
}

var statuses = await manager.InitializeAsync();
if (!statuses.Any(s => s.IsAvailable))
{
    Console.Error.WriteLine("No LocalAI backend is available:");
    foreach (var status in statuses)
    {
        Console.Error.WriteLine($"  - {status.BackendId}: {status.Reason}");
    }

    return 2;
}

if (!configuration.GetSection("LocalAI:Council:Agents").GetChildren().Any())
{
    foreach (var status in statuses.Where(s => s.IsAvailable))
    {
        var backend = manager.GetBackend(status.BackendId);
        var models = (await backend.ListModelsAsync())
            .Where(m => m.IsInstalled && (m.Capabilities == BackendCapabilities.None || m.Capabilities.HasFlag(BackendCapabilities.Chat)))
            .Select(m => m.Id)
            .DefaultIfEmpty(null);
        foreach (var model in models.Take(3 - discovered.Count))
        {
            discovered.Add(new CouncilAgentOptions { Backend = backend.Id, Model = model });
        }
    }

    Console.WriteLine($"No agents configured; using {string.Join(", ", discovered.Select(a => $"{a.Backend}/{a.Model ?? "default"}"))}.");
}

var council = provider.GetRequiredService<ChatCouncil>();
CouncilSession? session = null;
try
{
    var reviewsStarted = false;
    await foreach (var e in council.StreamAsync(question))
    {
        if (e is ReviewCompletedEvent && !reviewsStarted)
        {
            reviewsStarted = true;
            Console.WriteLine("== Stage 2: anonymous peer reviews ==");
        }

        switch (e)
        {
            case SessionStartedEvent started:
                Console.WriteLine($"Council {started.SessionId[..8]}: {started.AgentIds.Count} agents on \"{started.Question}\"");
                Console.WriteLine("== Stage 1: opinions ==");
                break;
            case OpinionStartedEvent o:
                Console.WriteLine($"  {o.AgentId} ({o.Model}) is thinking...");
                break;
            case OpinionCompletedEvent o:
                Console.WriteLine($"  {o.Opinion.AgentId} ({o.Opinion.Model}) answered in {Ms(o.Opinion.Latency)} ms: {Clip(o.Opinion.Text!)}");
                break;
            case OpinionFailedEvent o:
                Console.WriteLine($"  {o.Opinion.AgentId} ({o.Opinion.Model}) FAILED: {o.Opinion.Error}");
                break;
            case ReviewCompletedEvent r when r.Review.IsValid:
                Console.WriteLine($"  review by {r.Review.ReviewerId}{(r.Review.Repaired ? " (repaired)" : string.Empty)}: "
                    + string.Join(", ", r.Review.Scores.Select(s => $"{s.Label}={s.Score.ToString("0.#", CultureInfo.InvariantCulture)} ({s.AgentId})")));
                break;
            case ReviewCompletedEvent r:
                Console.WriteLine($"  review by {r.Review.ReviewerId} excluded: {r.Review.ExclusionReason}");
                break;
            case RankingComputedEvent k:
                Console.WriteLine("== Ranking ==");
                foreach (var entry in k.Ranking.Entries)
                {
                    var mean = entry.MeanScore?.ToString("0.00", CultureInfo.InvariantCulture) ?? "n/a";
                    Console.WriteLine($"  {entry.Rank}. {entry.AgentId} ({entry.Model}) mean {mean}, Borda {entry.BordaScore.ToString("0.##", CultureInfo.InvariantCulture)}{(entry.IsTied ? " (tied)" : string.Empty)}");
                }

                break;
            case SynthesisStartedEvent s:
                Console.WriteLine($"== Stage 3: synthesis by {s.WriterId} ({s.Model}){(s.IsFallback ? ", fallback" : string.Empty)} ==");
                break;
            case SynthesisTokenEvent t:
                Console.Write(t.Text);
                break;
            case ChairmanFailedEvent f:
                Console.WriteLine();
                Console.WriteLine($"  chairman {f.WriterId} ({f.Model}) failed: {f.Error}");
                break;
            case SessionCompletedEvent done:
                Console.WriteLine();
                session = done.Session;
                break;
        }
    }
}
catch (CouncilFailedException ex)
{
    Console.Error.WriteLine();
    Console.Error.WriteLine("The council failed: " + ex.Message);
    session = ex.Session;
    if (session is null)
    {
        return 3;
    }
}

PrintUsage(session!);
return session!.Synthesis is null ? 3 : 0;

static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);

static string Clip(string text)
{
    var line = text.ReplaceLineEndings(" ").Trim();
    return line.Length <= 160 ? line : line[..157] + "...";
}

static void PrintUsage(CouncilSession session)
{
    Console.WriteLine();
    Console.WriteLine($"{"stage",-10} {"model",-24} {"calls",5} {"prompt",8} {"compl.",8} {"total",8} {"min ms",8} {"med ms",8} {"max ms",8}");
    var stages = new (string Name, StageTokenUsage Tokens, StageLatency Latency)[]
    {
        ("opinions", session.TokenUsage.Stage1Opinions, session.Latency.Stage1Opinions),
        ("review", session.TokenUsage.Stage2Review, session.Latency.Stage2Review),
        ("synthesis", session.TokenUsage.Stage3Synthesis, session.Latency.Stage3Synthesis),
    };
    foreach (var (name, tokens, latency) in stages)
    {
        foreach (var (model, t) in tokens.ByModel)
        {
            var l = latency.ByModel[model];
            Console.WriteLine($"{name,-10} {model,-24} {l.Count,5} {t.PromptTokens,8} {t.CompletionTokens,8} {t.TotalTokens,8} {Ms(l.Min),8} {Ms(l.Median),8} {Ms(l.Max),8}");
        }

        Console.WriteLine($"{name,-10} {"(stage, wall " + Ms(latency.WallTime) + " ms)",-24} {latency.Generations.Count,5} {tokens.TotalPromptTokens,8} {tokens.TotalCompletionTokens,8} {tokens.TotalTokens,8} {Ms(latency.Generations.Min),8} {Ms(latency.Generations.Median),8} {Ms(latency.Generations.Max),8}");
    }

    var u = session.TokenUsage;
    Console.WriteLine($"{"session",-10} {"(total " + Ms(session.Latency.TotalDuration) + " ms)",-24} {session.Generations.Count,5} {u.TotalPromptTokens,8} {u.TotalCompletionTokens,8} {u.TotalTokens,8}");
}
