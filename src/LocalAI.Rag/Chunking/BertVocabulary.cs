namespace LocalAI.Rag;

/// <summary>The check both BERT token counters make of a <c>vocab.txt</c> path, with the setting to fix in its message.</summary>
internal static class BertVocabulary
{
    public static void ThrowIfMissing(string vocabularyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabularyPath);
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"BERT vocabulary '{vocabularyPath}' does not exist; point LocalAI:Rag:TokenizerVocabularyPath at the model's vocab.txt.", vocabularyPath);
        }
    }
}
