namespace LocalAI.Mlx.Tests.Support;

/// <summary>A fact that runs only where python3 can import sentence_transformers, and otherwise is reported skipped with the reason.</summary>
public sealed class SentenceTransformersFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> Importable = new(() => PythonProcess.CanImport("sentence_transformers") && PythonProcess.CanImport("transformers"));

    public SentenceTransformersFactAttribute()
    {
        if (!Importable.Value)
        {
            Skip = "python3 cannot import sentence_transformers/transformers here (pip install sentence-transformers); the real embeddings engine is tested only where it is importable.";
        }
    }
}
