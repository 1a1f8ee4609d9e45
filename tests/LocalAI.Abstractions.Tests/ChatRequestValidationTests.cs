using Microsoft.Extensions.AI;

namespace LocalAI.Abstractions.Tests;

public sealed class ChatRequestValidationTests
{
    private static readonly ChatMessage[] Hi = [new(ChatRole.User, "hi")];

    [Fact]
    public void Validate_AGoodRequest_ReturnsTheSameList()
    {
        var options = new ChatOptions { Temperature = 0f, TopP = 1f, TopK = 40, MaxOutputTokens = 1, FrequencyPenalty = -50f, PresencePenalty = 2f, StopSequences = ["\n"] };

        Assert.Same(Hi, ChatRequestValidation.Validate(Hi, options));
        Assert.Single(ChatRequestValidation.Validate(Hi.Select(m => m), null));
    }

    [Fact]
    public void Validate_NullOrEmptyMessages_NameTheMessages()
    {
        Assert.Equal("messages", Assert.Throws<ArgumentNullException>(() => ChatRequestValidation.Validate(null!, null)).ParamName);
        Assert.Equal("messages", Assert.Throws<ArgumentException>(() => ChatRequestValidation.Validate([], null)).ParamName);
        var ex = Assert.Throws<ArgumentException>(() => ChatRequestValidation.Validate([Hi[0], null!], null));
        Assert.Contains("messages[1]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.NaN, "options.Temperature")]
    [InlineData(-1f, "options.Temperature")]
    [InlineData(2.5f, "options.Temperature")]
    public void Validate_BadTemperature_NamesTheOption(float value, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { Temperature = value }));
        Assert.Equal(name, ex.ParamName);
        Assert.Contains(name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EveryOtherBadValue_NamesItsOption()
    {
        Assert.Equal("options.TopP", Assert.Throws<ArgumentOutOfRangeException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { TopP = 7f })).ParamName);
        Assert.Equal("options.TopK", Assert.Throws<ArgumentOutOfRangeException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { TopK = -3 })).ParamName);
        Assert.Equal("options.MaxOutputTokens", Assert.Throws<ArgumentOutOfRangeException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { MaxOutputTokens = 0 })).ParamName);
        Assert.Equal("options.PresencePenalty", Assert.Throws<ArgumentOutOfRangeException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { PresencePenalty = float.NegativeInfinity })).ParamName);
        Assert.Equal("options.StopSequences", Assert.Throws<ArgumentException>(() => ChatRequestValidation.Validate(Hi, new ChatOptions { StopSequences = [null!] })).ParamName);
    }
}
