namespace LocalAI.Testing.Models;

/// <summary>
/// The tiny random-weight BERT sentence encoder (2 layers, 32 wide, the uncased BERT vocabulary) in the
/// sentence-transformers layout, exported to ONNX; copied next to every assembly that references this project.
/// </summary>
/// <remarks>Its vectors carry no meaning; it runs the real tokenizer, model and pooling fast enough for tests and benchmarks.</remarks>
public static class TinyBertModel
{
    /// <summary>Gets the model folder.</summary>
    public static string FolderPath { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "tiny-bert-st");

    /// <summary>Gets the folder's <c>vocab.txt</c>: the 30,522-token uncased BERT WordPiece vocabulary (the one all-MiniLM-L6-v2 uses).</summary>
    public static string VocabularyPath { get; } = Path.Combine(FolderPath, "vocab.txt");
}
