using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- --filter '*Router*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
