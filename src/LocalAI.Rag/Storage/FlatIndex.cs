using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LocalAI.Rag;

/// <summary>Unit-length vectors laid out row after row for exact SIMD search, with optional int8 copies for a faster first pass.</summary>
internal sealed class FlatIndex
{
    private const int ParallelThreshold = 1 << 21; // floats scanned before the scan is split over cores

    private readonly float[] _vectors;
    private readonly sbyte[]? _quantized;
    private readonly float[]? _scales;

    private FlatIndex(VectorRecord[] rows, float[] vectors, int dimensions, sbyte[]? quantized, float[]? scales)
    {
        Rows = rows;
        _vectors = vectors;
        Dimensions = dimensions;
        _quantized = quantized;
        _scales = scales;
    }

    public VectorRecord[] Rows { get; }

    public int Dimensions { get; }

    public static FlatIndex Build(IReadOnlyList<VectorRecord> rows, int dimensions, bool int8)
    {
        var array = rows as VectorRecord[] ?? [.. rows];
        var vectors = new float[(long)array.Length * dimensions];
        for (var i = 0; i < array.Length; i++)
        {
            array[i].Vector.Span.CopyTo(vectors.AsSpan(i * dimensions, dimensions));
        }

        sbyte[]? quantized = null;
        float[]? scales = null;
        if (int8)
        {
            quantized = new sbyte[vectors.Length];
            scales = new float[array.Length];
            for (var i = 0; i < array.Length; i++)
            {
                scales[i] = Quantize(vectors.AsSpan(i * dimensions, dimensions), quantized.AsSpan(i * dimensions, dimensions));
            }
        }

        return new FlatIndex(array, vectors, dimensions, quantized, scales);
    }

    /// <summary>Symmetric int8 quantisation: <c>q = round(v / scale)</c> with <c>scale = max|v| / 127</c>.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> output)
    {
        var max = TensorPrimitives.MaxMagnitude(vector);
        var scale = max == 0 ? 1f : Math.Abs(max) / 127f;
        var inverse = 1f / scale;
        for (var i = 0; i < vector.Length; i++)
        {
            output[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127, 127);
        }

        return scale;
    }

    public ReadOnlySpan<float> Row(int row) => _vectors.AsSpan(row * Dimensions, Dimensions);

    /// <summary>Exact cosine search (vectors and query are unit length, so the dot product).</summary>
    public List<(int Row, float Score)> SearchExact(ReadOnlySpan<float> query, int top, int[]? candidates)
    {
        var count = candidates?.Length ?? Rows.Length;
        if ((long)count * Dimensions < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            var result = new TopK(top);
            ScanExact(query, candidates, 0, count, result);
            return result.ToSortedList();
        }

        var q = query.ToArray();
        return ScanParallel(count, top, (start, end, topK) => ScanExact(q, candidates, start, end, topK));
    }

    /// <summary>Int8 first pass over every candidate, then exact re-scoring of the best <paramref name="top"/> x <paramref name="rescoreFactor"/>.</summary>
    public List<(int Row, float Score)> SearchInt8(ReadOnlySpan<float> query, int top, int rescoreFactor, int[]? candidates)
    {
        if (_quantized is null)
        {
            return SearchExact(query, top, candidates);
        }

        var q8 = new sbyte[Dimensions];
        Quantize(query, q8);
        var count = candidates?.Length ?? Rows.Length;
        var shortlistSize = Math.Max(top, top * rescoreFactor);
        List<(int Row, float Score)> shortlist;
        if ((long)count * Dimensions < ParallelThreshold * 4 || Environment.ProcessorCount == 1)
        {
            var topK = new TopK(shortlistSize);
            ScanInt8(q8, candidates, 0, count, topK);
            shortlist = topK.ToSortedList();
        }
        else
        {
            shortlist = ScanParallel(count, shortlistSize, (start, end, topK) => ScanInt8(q8, candidates, start, end, topK));
        }

        var exact = new TopK(top);
        foreach (var (row, _) in shortlist)
        {
            exact.Add(row, TensorPrimitives.Dot(query, Row(row)));
        }

        return exact.ToSortedList();
    }

    private static List<(int Row, float Score)> ScanParallel(int count, int top, Action<int, int, TopK> scan)
    {
        var parts = Math.Min(Environment.ProcessorCount, 8);
        var partials = new TopK[parts];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            var start = (int)((long)count * p / parts);
            var end = (int)((long)count * (p + 1) / parts);
            partials[p] = new TopK(top);
            scan(start, end, partials[p]);
        });
        var merged = new TopK(top);
        foreach (var partial in partials)
        {
            merged.AddAll(partial);
        }

        return merged.ToSortedList();
    }

    private void ScanExact(ReadOnlySpan<float> query, int[]? candidates, int start, int end, TopK topK)
    {
        var dims = Dimensions;
        var vectors = _vectors.AsSpan();
        for (var i = start; i < end; i++)
        {
            var row = candidates is null ? i : candidates[i];
            var score = TensorPrimitives.Dot(query, vectors.Slice(row * dims, dims));
            topK.Add(row, score);
        }
    }

    private void ScanInt8(sbyte[] query, int[]? candidates, int start, int end, TopK topK)
    {
        var dims = Dimensions;
        var quantized = _quantized!.AsSpan();
        var scales = _scales!;
        for (var i = start; i < end; i++)
        {
            var row = candidates is null ? i : candidates[i];
            var score = DotInt8(query, quantized.Slice(row * dims, dims)) * scales[row];
            topK.Add(row, score);
        }
    }

    /// <summary>The integer dot product of two int8 vectors, with AVX2 where the processor has it.</summary>
    internal static int DotInt8(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var length = a.Length;
        var i = 0;
        var sum = 0;
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        if (Avx2.IsSupported && length >= 32)
        {
            var acc = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var va = Vector256.LoadUnsafe(ref ra, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref rb, (nuint)i);
                var (aLow, aHigh) = Vector256.Widen(va);
                var (bLow, bHigh) = Vector256.Widen(vb);
                acc += Avx2.MultiplyAddAdjacent(aLow, bLow) + Avx2.MultiplyAddAdjacent(aHigh, bHigh);
            }

            sum = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && length >= 16)
        {
            var acc = Vector128<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var (aLow, aHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var (bLow, bHigh) = Vector128.Widen(Vector128.LoadUnsafe(ref rb, (nuint)i));
                var (p0, p1) = Vector128.Widen(aLow * bLow);
                var (p2, p3) = Vector128.Widen(aHigh * bHigh);
                acc += p0 + p1 + p2 + p3;
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }
}
