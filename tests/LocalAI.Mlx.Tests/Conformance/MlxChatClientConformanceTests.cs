using LocalAI.Testing;
using Microsoft.Extensions.AI;

namespace LocalAI.Mlx.Tests.Conformance;

/// <summary>The shared chat suite through the real sidecar process; the deterministic engine's "echo" model streams the prompt back word by word.</summary>
public sealed class MlxChatClientConformanceTests(MlxSidecarFixture fixture) : ChatClientConformanceTests, IClassFixture<MlxSidecarFixture>
{
    protected override string ExpectedProviderName => "mlx";

    /// <summary>Gets <see langword="false"/>: mlx_lm has no constrained decoding, so the backend does not declare <see cref="BackendCapabilities.JsonOutput"/>.</summary>
    protected override bool SupportsJsonOutput => false;

    protected override Task<IChatClient> CreateClientAsync() => Task.FromResult(fixture.Backend.GetChatClient());
}
