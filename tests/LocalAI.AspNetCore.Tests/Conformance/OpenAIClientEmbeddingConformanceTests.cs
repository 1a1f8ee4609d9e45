using LocalAI.AspNetCore.Tests.Support;
using LocalAI.Testing;
using LocalAI.Testing.Models;
using Microsoft.Extensions.AI;

namespace LocalAI.AspNetCore.Tests.Conformance;

/// <summary>The shared embedding suite run through the real OpenAI .NET client against this server's <c>/v1/embeddings</c>, over the real all-MiniLM-L6-v2.</summary>
[Collection(MiniLmServerCollection.Name)]
public sealed class OpenAIClientEmbeddingConformanceTests(MiniLmServerFixture fixture) : EmbeddingGeneratorConformanceTests
{
    protected override Task<IEmbeddingGenerator<string, Embedding<float>>> CreateGeneratorAsync() =>
        Task.FromResult(fixture.Server.EmbeddingGenerator(fixture.Model, MiniLmModel.Dimensions));
}
