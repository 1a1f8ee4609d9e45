namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>The tests that share the GGUF-backed server.</summary>
[CollectionDefinition(Name)]
public sealed class GgufServerCollection : ICollectionFixture<GgufServerFixture>
{
    public const string Name = "GGUF server";
}
