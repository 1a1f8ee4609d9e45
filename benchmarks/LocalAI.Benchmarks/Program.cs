using BenchmarkDotNet.Running;
using LocalAI.Benchmarks.Routing;

// dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- --filter '*Router*'
BenchmarkSwitcher.FromAssembly(typeof(RouterOverheadBenchmarks).Assembly).Run(args);
