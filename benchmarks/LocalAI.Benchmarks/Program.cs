using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/LocalAI.Benchmarks -- --filter '*Onnx*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
