namespace LocalAI.Ollama.Tests;

public sealed class OllamaHostTests
{
    [Theory]
    [InlineData("127.0.0.1:11500", "http://127.0.0.1:11500/")]
    [InlineData(":11500", "http://127.0.0.1:11500/")]
    [InlineData("0.0.0.0", "http://127.0.0.1:11434/")]
    [InlineData("gpu-box", "http://gpu-box:11434/")]
    [InlineData("http://gpu-box", "http://gpu-box:11434/")]
    [InlineData("https://ollama.example.com", "https://ollama.example.com/")]
    [InlineData("http://10.0.0.2:8080", "http://10.0.0.2:8080/")]
    public void Parse_ReadsEveryFormOllamaAccepts(string value, string expected) =>
        Assert.Equal(new Uri(expected), OllamaHost.Parse(value));

    [Fact]
    public void Parse_EmptyIsNull() => Assert.Null(OllamaHost.Parse(" "));

    [Fact]
    public void Parse_BadPort_Throws() => Assert.Throws<FormatException>(() => OllamaHost.Parse("host:notaport"));
}
