namespace LocalAI.AspNetCore;

/// <summary>Every backend at one moment, with the ones the router would use now.</summary>
/// <param name="Backends">Every backend, in the order the router tries them now.</param>
/// <param name="PreferredBackend">The backend made the one tried first, or <see langword="null"/> when the priority order alone decides.</param>
/// <param name="ActiveChatBackend">The backend the next chat request goes to, or <see langword="null"/> when none can serve chat.</param>
/// <param name="ActiveEmbeddingBackend">The backend the next embedding request goes to, or <see langword="null"/> when none can serve embeddings.</param>
public sealed record BackendsView(
    IReadOnlyList<BackendView> Backends,
    string? PreferredBackend,
    string? ActiveChatBackend,
    string? ActiveEmbeddingBackend);
