namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>The tests that share the RAG server.</summary>
[CollectionDefinition(Name)]
public sealed class RagServerCollection : ICollectionFixture<RagServerFixture>
{
    public const string Name = "RAG server";
}
