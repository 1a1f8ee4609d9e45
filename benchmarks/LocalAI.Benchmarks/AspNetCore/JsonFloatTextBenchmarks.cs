using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LocalAI.AspNetCore;

namespace LocalAI.Benchmarks.AspNetCore;

/// <summary>The text of a 10 × 384 embeddings answer's components: <c>Utf8JsonWriter</c>'s shortest round-trip numbers against the nine-digit text the endpoint writes.</summary>
[MemoryDiagnoser]
public class JsonFloatTextBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private float[][] _vectors = null!;
    private byte[] _buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(384);
        _vectors = Enumerable.Range(0, 10).Select(_ =>
        {
            var v = Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / norm).ToArray();
        }).ToArray();
        _buffer = new byte[JsonFloatText.MaxArrayLength(384)];
    }

    [Benchmark(Baseline = true)]
    public int Utf8JsonWriterNumbers()
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartArray();
        foreach (var vector in _vectors)
        {
            writer.WriteStartArray();
            foreach (var v in vector)
            {
                writer.WriteNumberValue(v);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark]
    public int NineDigitText()
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartArray();
        foreach (var vector in _vectors)
        {
            var length = JsonFloatText.WriteArray(vector, _buffer);
            writer.WriteRawValue(_buffer.AsSpan(0, length), skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.Flush();
        return _output.WrittenCount;
    }
}
