using LocalAI.Mlx.Tests.Support;

namespace LocalAI.Mlx.Tests.Conformance;

/// <summary>One backend over the real mlx_server.py with the deterministic test engine, shared by a test class and stopped after it.</summary>
public sealed class MlxSidecarFixture : IAsyncLifetime
{
    public MlxBackend Backend { get; } = new(MlxBackend.DefaultId, TestPaths.DeterministicOptions());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Backend.DisposeAsync();
}
