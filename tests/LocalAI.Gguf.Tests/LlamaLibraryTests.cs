using LocalAI.Gguf.Tests.Fixtures;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class LlamaLibraryTests
{
    [Theory]
    [InlineData("0.5.0", true)]
    [InlineData("0.5.0-dev", true)]
    [InlineData("0.5.1", false)]
    [InlineData("0.5.01", false)]
    [InlineData("0.4.9-dev", false)]
    [InlineData("", false)]
    public void IsSupportedVersion_accepts_only_the_mirrored_release(string reported, bool supported) =>
        Assert.Equal(supported, LlamaLibrary.IsSupportedVersion(reported));

    [Fact]
    public void EnsureLoaded_loads_the_pinned_version_and_a_cpu_backend()
    {
        LlamaLibrary.EnsureLoaded(null);
        Assert.StartsWith("0.5.0", LlamaLibrary.Version, StringComparison.Ordinal);
        Assert.True(LlamaApi.ggml_backend_dev_count() > 0);
        Assert.EndsWith(Path.Combine("runtimes", "linux-x64", "native"), LlamaLibrary.LoadedFrom, StringComparison.Ordinal);
    }
}
