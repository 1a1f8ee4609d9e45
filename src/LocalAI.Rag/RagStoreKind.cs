namespace LocalAI.Rag;

/// <summary>Which vector store <c>AddRag()</c> registers.</summary>
public enum RagStoreKind
{
    /// <summary>The embedded file-backed <see cref="FileVectorStore"/> (no server).</summary>
    Embedded,

    /// <summary>PostgreSQL with pgvector (<see cref="PostgresVectorStore"/>).</summary>
    Postgres,
}
