using BenchmarkDotNet.Running;
using LocalAI.Benchmarks.Ollama;

BenchmarkSwitcher.FromAssembly(typeof(OllamaChatOverheadBenchmarks).Assembly).Run(args);
