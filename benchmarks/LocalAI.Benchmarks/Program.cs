using BenchmarkDotNet.Running;
using LocalAI.Benchmarks.Rag.Retrieval;
using LocalAI.Benchmarks.Routing;

// dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- --filter '*Router*'
// dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- retrieval [--per-set 1000] [--max-chars 4000]
if (args is ["retrieval", ..])
{
    return await RetrievalBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(RouterOverheadBenchmarks).Assembly).Run(args);
return 0;
