namespace LocalAI.Gguf;

/// <summary>One entry of a GGUF file's tensor table.</summary>
/// <param name="Name">The tensor name (for example <c>blk.0.attn_q.weight</c>).</param>
/// <param name="Dimensions">The dimensions, innermost first as ggml stores them.</param>
/// <param name="Type">The ggml type id (0 = F32, 1 = F16, 8 = Q8_0, ...).</param>
/// <param name="Offset">The offset of its data from the start of the data section.</param>
/// <param name="SizeBytes">The size of its data in bytes.</param>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, int Type, long Offset, long SizeBytes)
{
    /// <summary>Gets the number of elements.</summary>
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);

    /// <summary>Gets the name of the ggml type (for example <c>Q8_0</c>).</summary>
    public string TypeName => GgmlTypes.Name(Type);
}
