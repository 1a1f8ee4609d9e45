namespace LocalAI.Gguf.Tests;

public sealed class GgufBackendOptionsValidatorTests
{
    private readonly GgufBackendOptionsValidator _validator = new();

    [Fact]
    public void Validate_accepts_the_defaults()
    {
        Assert.True(_validator.Validate("gguf", new GgufBackendOptions()).Succeeded);
    }

    [Fact]
    public void Validate_names_every_bad_key_under_the_backend_id()
    {
        var options = new GgufBackendOptions { Threads = 0, ContextSize = 15, BatchSize = 0, MaxParallelRequests = 0, DefaultMaxOutputTokens = 0 };

        var result = _validator.Validate("gguf-small", options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "LocalAI:gguf-small:Threads is 0; it must be at least 1.",
                "LocalAI:gguf-small:ContextSize is 15; it must be at least 16 tokens.",
                "LocalAI:gguf-small:BatchSize is 0; it must be at least 1.",
                "LocalAI:gguf-small:MaxParallelRequests is 0; it must be at least 1.",
                "LocalAI:gguf-small:DefaultMaxOutputTokens is 0; it must be at least 1.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_without_a_name_uses_the_default_id()
    {
        var result = _validator.Validate(null, new GgufBackendOptions { Threads = 0 });

        Assert.Equal(["LocalAI:gguf:Threads is 0; it must be at least 1."], result.Failures);
    }

    [Fact]
    public void Constructor_fails_the_same_way_as_start()
    {
        var ex = Assert.Throws<ArgumentException>(() => new GgufBackend("gguf", new GgufBackendOptions { MaxParallelRequests = 0 }));

        Assert.StartsWith("LocalAI:gguf:MaxParallelRequests is 0; it must be at least 1.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_refuses_an_empty_id(string id)
    {
        Assert.Throws<ArgumentException>(() => new GgufBackend(id, new GgufBackendOptions()));
    }
}
