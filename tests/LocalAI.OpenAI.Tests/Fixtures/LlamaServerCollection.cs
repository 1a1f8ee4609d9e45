namespace LocalAI.OpenAI.Tests.Fixtures;

/// <summary>The tests that share the two llama-servers of <see cref="LlamaServerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class LlamaServerCollection : ICollectionFixture<LlamaServerFixture>
{
    public const string Name = "llama-server";
}
