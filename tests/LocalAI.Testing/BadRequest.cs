using Microsoft.Extensions.AI;

namespace LocalAI.Testing;

/// <summary>A chat request every client must refuse with <see cref="ChatRequestValidation"/>'s exception, before anything is sent: the shared cases of the conformance suite.</summary>
/// <param name="Messages">The conversation sent.</param>
/// <param name="Options">The options sent.</param>
/// <param name="ExpectedType">The exact exception type expected.</param>
/// <param name="ExpectedParameter">The parameter name the exception must carry (the option, for example <c>options.Temperature</c>).</param>
public sealed record BadRequest(IEnumerable<ChatMessage> Messages, ChatOptions? Options, Type ExpectedType, string ExpectedParameter)
{
    /// <summary>Gets every case by name.</summary>
    public static IReadOnlyDictionary<string, BadRequest> All { get; } = new Dictionary<string, BadRequest>(StringComparer.Ordinal)
    {
        ["null message"] = new([new ChatMessage(ChatRole.User, "hi"), null!], null, typeof(ArgumentException), "messages"),
        ["empty message list"] = new([], null, typeof(ArgumentException), "messages"),
        ["MaxOutputTokens 0"] = WithOptions(o => o.MaxOutputTokens = 0, "options.MaxOutputTokens"),
        ["MaxOutputTokens -1"] = WithOptions(o => o.MaxOutputTokens = -1, "options.MaxOutputTokens"),
        ["Temperature NaN"] = WithOptions(o => o.Temperature = float.NaN, "options.Temperature"),
        ["Temperature infinity"] = WithOptions(o => o.Temperature = float.PositiveInfinity, "options.Temperature"),
        ["Temperature -1"] = WithOptions(o => o.Temperature = -1f, "options.Temperature"),
        ["TopP 7"] = WithOptions(o => o.TopP = 7f, "options.TopP"),
        ["TopP NaN"] = WithOptions(o => o.TopP = float.NaN, "options.TopP"),
        ["TopK 0"] = WithOptions(o => o.TopK = 0, "options.TopK"),
        ["FrequencyPenalty NaN"] = WithOptions(o => o.FrequencyPenalty = float.NaN, "options.FrequencyPenalty"),
        ["PresencePenalty infinity"] = WithOptions(o => o.PresencePenalty = float.PositiveInfinity, "options.PresencePenalty"),
        ["empty stop sequence"] = new([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { StopSequences = [""] }, typeof(ArgumentException), "options.StopSequences"),
    };

    /// <summary>Asserts that <paramref name="thrown"/> is the expected exception and names the expected parameter.</summary>
    /// <param name="thrown">What the client threw.</param>
    public void AssertMatches(ArgumentException thrown)
    {
        ArgumentNullException.ThrowIfNull(thrown);
        Assert.IsType(ExpectedType, thrown);
        Assert.Equal(ExpectedParameter, thrown.ParamName);
    }

    private static BadRequest WithOptions(Action<ChatOptions> configure, string parameter)
    {
        var options = new ChatOptions();
        configure(options);
        return new([new ChatMessage(ChatRole.User, "hi")], options, typeof(ArgumentOutOfRangeException), parameter);
    }
}
