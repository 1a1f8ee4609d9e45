using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>The latency of one stage: its wall time, statistics over its generations, and the same per model.</summary>
/// <param name="WallTime">From the stage's start to its end.</param>
/// <param name="Generations">Statistics over every generation of the stage, failed ones included.</param>
/// <param name="ByModel">Statistics per model name.</param>
public sealed record StageLatency(
    [property: JsonPropertyName("wall_time_ms")] TimeSpan WallTime,
    LatencyStats Generations,
    IReadOnlyDictionary<string, LatencyStats> ByModel)
{
    internal static StageLatency From(TimeSpan wallTime, IEnumerable<CouncilGeneration> generations)
    {
        var list = generations.ToList();
        var byModel = new SortedDictionary<string, LatencyStats>(StringComparer.Ordinal);
        foreach (var group in list.GroupBy(g => g.Model, StringComparer.Ordinal))
        {
            byModel[group.Key] = LatencyStats.From(group.Select(g => g.Latency));
        }

        return new(wallTime, LatencyStats.From(list.Select(g => g.Latency)), byModel);
    }
}
