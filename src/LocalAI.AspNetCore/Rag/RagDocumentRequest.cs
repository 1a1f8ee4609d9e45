namespace LocalAI.AspNetCore;

/// <summary>One text document of a <see cref="RagDocumentsRequest"/>.</summary>
/// <param name="Id">The document's id, returned as the <c>source</c> of its search results; indexing it again replaces it.</param>
/// <param name="Text">The text.</param>
/// <param name="Metadata">Metadata copied onto every chunk, for search filters; <see langword="null"/> for none.</param>
/// <param name="Markdown">Whether the text is Markdown (chunked by its headings); <see langword="null"/> when the id ends with <c>.md</c>.</param>
public sealed record RagDocumentRequest(string? Id, string? Text, IReadOnlyDictionary<string, string>? Metadata, bool? Markdown);
