namespace LocalAI.Mlx.Embeddings;

/// <summary>Vectors of one batch in one array, row after row.</summary>
/// <param name="Values">All values.</param>
/// <param name="Dimensions">The length of each vector.</param>
internal readonly record struct VectorBlock(float[] Values, int Dimensions)
{
    /// <summary>Gets vector <paramref name="index"/> without copying.</summary>
    public ReadOnlyMemory<float> Rows(int index) => Values.AsMemory(index * Dimensions, Dimensions);
}
