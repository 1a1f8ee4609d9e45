using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LocalAI.Council.Tests.Support;

/// <summary>Building blocks of scripted answers.</summary>
public static class Script
{
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(20);

    public static ChatResponse Reply(string text, long prompt = 0, long completion = 0, string? model = null) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = model,
            Usage = prompt + completion > 0 ? new UsageDetails { InputTokenCount = prompt, OutputTokenCount = completion, TotalTokenCount = prompt + completion } : null,
        };

    /// <summary>A valid review of every response in the prompt; scores from <paramref name="score"/> (by the answer text), else 5.</summary>
    public static string Review(ChatCall call, Func<string, int>? score = null)
    {
        var sb = new StringBuilder("{\"rankings\":[");
        var labels = call.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            var s = score?.Invoke(call.Block(labels[i])) ?? 5;
            sb.Append(i == 0 ? string.Empty : ",")
              .Append("{\"response\":\"").Append(labels[i]).Append("\",\"score\":").Append(s.ToString(CultureInfo.InvariantCulture)).Append(",\"reasoning\":\"ok\"}");
        }

        return sb.Append("]}").ToString();
    }

    /// <summary>A client that answers each kind of call at once: the opinion, a valid review, and a synthesis.</summary>
    public static ScriptedChatClient Agent(string name, string opinion, Func<string, int>? score = null, string synthesis = "The final answer.") =>
        new(name, call => Task.FromResult(call.Kind switch
        {
            CallKind.Opinion => Reply(opinion),
            CallKind.Review or CallKind.Repair => Reply(Review(call, score)),
            _ => Reply(synthesis),
        }));

    public static CouncilOptions Options(params (ScriptedChatClient Client, string Model)[] agents)
    {
        var options = new CouncilOptions { ShuffleSeed = 7 };
        foreach (var (client, model) in agents)
        {
            options.Agents.Add(new CouncilAgentOptions { Client = client, Model = model });
        }

        return options;
    }

    public static async Task<T> Within<T>(this Task<T> task) => await task.WaitAsync(Safety);

    public static async Task Within(this Task task) => await task.WaitAsync(Safety);
}
