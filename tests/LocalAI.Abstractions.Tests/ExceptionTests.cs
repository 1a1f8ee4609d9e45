namespace LocalAI.Abstractions.Tests;

public sealed class ExceptionTests
{
    [Fact]
    public void AllDeriveFromLocalAIException()
    {
        Assert.IsAssignableFrom<LocalAIException>(new BackendUnavailableException("x"));
        Assert.IsAssignableFrom<BackendUnavailableException>(new NoBackendAvailableException("x"));
        Assert.IsAssignableFrom<LocalAIException>(new ModelNotFoundException("x"));
        Assert.IsAssignableFrom<LocalAIException>(new InvalidModelFileException("x"));
        Assert.IsAssignableFrom<LocalAIException>(new BackendProtocolException("x"));
        Assert.IsAssignableFrom<LocalAIException>(new EmbeddingModelMismatchException("x"));
    }

    [Fact]
    public void NoBackendAvailable_MessageListsEveryBackendAndReason_AndKeepsTheFirstFailure()
    {
        var refused = new HttpRequestException("Connection refused");
        var ex = new NoBackendAvailableException("chat", [
            new BackendAttempt("ollama", "HttpRequestException: Connection refused", refused),
            new BackendAttempt("gguf", "unavailable: no model file configured"),
        ]);

        Assert.Equal("""
            No backend could serve chat:
              - ollama: HttpRequestException: Connection refused
              - gguf: unavailable: no model file configured
            """.ReplaceLineEndings(), ex.Message.ReplaceLineEndings());
        Assert.Same(refused, ex.InnerException);
        Assert.Equal(2, ex.Attempts.Count);
    }

    [Fact]
    public void NoBackendAvailable_WithNoBackends_SaysHowToRegisterOne()
    {
        var ex = new NoBackendAvailableException("embeddings", []);

        Assert.Contains("No backend is registered that can serve embeddings", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddLocalAI", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelNotFound_NamesModelBackendAndHint()
    {
        var ex = new ModelNotFoundException("llama3.2:3b", "ollama", "Run 'ollama pull llama3.2:3b'.");

        Assert.Equal("Model 'llama3.2:3b' was not found on backend 'ollama'. Run 'ollama pull llama3.2:3b'.", ex.Message);
        Assert.Equal("llama3.2:3b", ex.Model);
        Assert.Equal("ollama", ex.BackendId);
    }

    [Fact]
    public void InvalidModelFile_NamesFileAndReason()
    {
        var ex = new InvalidModelFileException("m.gguf", "bad magic 0x00000000", null);

        Assert.Equal("Model file 'm.gguf' is not valid: bad magic 0x00000000", ex.Message);
        Assert.Equal("m.gguf", ex.FilePath);
        Assert.Equal("bad magic 0x00000000", ex.Reason);
    }

    [Fact]
    public void EmbeddingMismatch_NamesBothIdentities()
    {
        var ex = new EmbeddingModelMismatchException(new("minilm", 384), new("bge", 768), "Collection 'docs'");

        Assert.Equal(
            "Collection 'docs': expected embeddings of 'minilm' (384 dimensions), got 'bge' (768 dimensions). Vectors of different models are never compared; re-index with one model.",
            ex.Message);
    }

    [Fact]
    public void BackendStatus_Factories()
    {
        var at = DateTimeOffset.UnixEpoch;
        var up = BackendStatus.Available("a", "0.5.0", TimeSpan.FromMilliseconds(3), at);
        var down = BackendStatus.Unavailable("b", "refused", TimeSpan.FromMilliseconds(1), at);

        Assert.True(up.IsAvailable);
        Assert.Null(up.Reason);
        Assert.Empty(up.Models);
        Assert.False(down.IsAvailable);
        Assert.Equal("refused", down.Reason);
        Assert.Null(down.Version);
    }
}
