namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>The tests that share the all-MiniLM-L6-v2 server.</summary>
[CollectionDefinition(Name)]
public sealed class MiniLmServerCollection : ICollectionFixture<MiniLmServerFixture>
{
    public const string Name = "MiniLM server";
}
