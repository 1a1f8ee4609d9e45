using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.Support;

/// <summary>One request a scripted client received.</summary>
public sealed partial record ChatCall(string Client, IReadOnlyList<ChatMessage> Messages, ChatOptions? Options, CancellationToken CancellationToken)
{
    public CallKind Kind
    {
        get
        {
            var system = Messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text;
            if (system == ReviewPrompt.SystemPrompt)
            {
                return Messages.Count > 2 ? CallKind.Repair : CallKind.Review;
            }

            return system == ChairmanPrompt.SystemPrompt ? CallKind.Synthesis : CallKind.Opinion;
        }
    }

    /// <summary>Gets the text of every message, joined.</summary>
    public string Prompt => string.Join("\n", Messages.Select(m => m.Text));

    /// <summary>Gets the text of the first user message (the review or chairman prompt).</summary>
    public string UserPrompt => Messages.First(m => m.Role == ChatRole.User).Text;

    /// <summary>Gets the response labels of a review prompt, in the order shown.</summary>
    public IReadOnlyList<string> Labels => ResponseHeader().Matches(UserPrompt).Select(m => m.Groups[2].Value).ToList();

    /// <summary>Gets the delimiter code of a review or chairman prompt.</summary>
    public string Nonce => ResponseHeader().Match(UserPrompt) is { Success: true } m ? m.Groups[1].Value : QuestionHeader().Match(UserPrompt).Groups[1].Value;

    /// <summary>Gets the text inside the block of response <paramref name="label"/>.</summary>
    public string Block(string label)
    {
        var prompt = UserPrompt;
        var open = $"<<<{Nonce} RESPONSE {label}>>>\n";
        var start = prompt.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no block for response {label}");
        start += open.Length;
        var end = prompt.IndexOf($"\n<<<{Nonce} END>>>", start, StringComparison.Ordinal);
        return prompt[start..end];
    }

    [GeneratedRegex("<<<([0-9a-f]{16}) RESPONSE ([A-Z]+)>>>")]
    private static partial Regex ResponseHeader();

    [GeneratedRegex("<<<([0-9a-f]{16}) QUESTION>>>")]
    private static partial Regex QuestionHeader();
}
