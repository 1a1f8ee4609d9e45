using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>Latency statistics of a set of generations.</summary>
/// <param name="Count">How many generations.</param>
/// <param name="Min">The shortest.</param>
/// <param name="Median">The median (the mean of the two middle values for an even count).</param>
/// <param name="Max">The longest.</param>
/// <param name="Total">The sum of all.</param>
public sealed record LatencyStats(
    int Count,
    [property: JsonPropertyName("min_ms")] TimeSpan Min,
    [property: JsonPropertyName("median_ms")] TimeSpan Median,
    [property: JsonPropertyName("max_ms")] TimeSpan Max,
    [property: JsonPropertyName("total_ms")] TimeSpan Total)
{
    internal static LatencyStats From(IEnumerable<TimeSpan> latencies)
    {
        var sorted = latencies.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        }

        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1
            ? sorted[mid]
            : TimeSpan.FromTicks((sorted[mid - 1].Ticks + sorted[mid].Ticks) / 2);
        var total = TimeSpan.FromTicks(sorted.Sum(t => t.Ticks));
        return new(sorted.Length, sorted[0], median, sorted[^1], total);
    }
}
