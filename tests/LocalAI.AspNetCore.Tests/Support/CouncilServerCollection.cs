namespace LocalAI.AspNetCore.Tests.Support;

/// <summary>The tests that share the council server.</summary>
[CollectionDefinition(Name)]
public sealed class CouncilServerCollection : ICollectionFixture<CouncilServerFixture>
{
    public const string Name = "Council server";
}
