namespace LocalAI.Gguf.Tests.Fixtures;

/// <summary>Tests that share the tiny models and their backend.</summary>
[CollectionDefinition(Name)]
public sealed class ModelCollection : ICollectionFixture<ModelFixture>
{
    public const string Name = "tiny models";
}
