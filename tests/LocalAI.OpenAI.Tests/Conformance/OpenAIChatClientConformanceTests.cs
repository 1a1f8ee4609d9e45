using LocalAI.Testing;

namespace LocalAI.OpenAI.Tests.Conformance;

/// <summary>The shared chat suite against a real llama-server serving the tiny random-weight llama model, through <see cref="OpenAICompatibleBackend"/>.</summary>
[Collection(LlamaServerCollection.Name)]
public sealed class OpenAIChatClientConformanceTests(LlamaServerFixture fixture) : ChatClientConformanceTests
{
    protected override string ExpectedProviderName => "llamaserver";

    /// <summary>
    /// Gets a value indicating whether a free-form JSON object parses: it does not here. llama-server enforces <c>json_object</c> by grammar, but
    /// cuts the document at <c>max_tokens</c> like any output, and the random-weight model never closes a free-form object within the suite's 64
    /// tokens. The grammar itself is tested in <see cref="LlamaServerTests"/> (JSON mode starts an object; a schema the model closes parses).
    /// </summary>
    protected override bool SupportsJsonOutput => false;

    protected override Task<IChatClient> CreateClientAsync() =>
        Task.FromResult(fixture.ChatBackend?.GetChatClient() ?? throw new InvalidOperationException(LlamaServer.Unavailable));
}
