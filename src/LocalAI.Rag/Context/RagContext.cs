namespace LocalAI.Rag;

/// <summary>Retrieved passages formatted for a prompt, with their citations.</summary>
/// <param name="Text">The numbered passages (<c>[1] (source: ...)</c> then the text), empty when nothing was found.</param>
/// <param name="Citations">The passages in citation order.</param>
/// <param name="Tokens">The tokens of <paramref name="Text"/>.</param>
public sealed record RagContext(string Text, IReadOnlyList<RagCitation> Citations, int Tokens);
