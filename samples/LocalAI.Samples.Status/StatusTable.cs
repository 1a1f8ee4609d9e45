using System.Globalization;
using System.Text;
using LocalAI;

namespace LocalAI.Samples.Status;

/// <summary>Formats backend statuses as a plain-text table.</summary>
internal static class StatusTable
{
    public static string Format(IReadOnlyList<BackendStatus> statuses, BackendManager manager)
    {
        string[] header = ["backend", "available", "version", "probe", "circuit", "models", "reason"];
        var rows = statuses.Select(s => new[]
        {
            s.BackendId + (string.Equals(s.BackendId, manager.PreferredBackendId, StringComparison.OrdinalIgnoreCase) ? " *" : string.Empty),
            s.IsAvailable ? "yes" : "no",
            s.Version ?? "-",
            s.ProbeLatency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
            manager.GetCircuitState(s.BackendId).ToString(),
            s.Models.Count == 0 ? "-" : string.Join(", ", s.Models.Select(m => m.Id)),
            s.Reason ?? string.Empty,
        }).ToList();

        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        AppendRow(sb, header, widths);
        AppendRow(sb, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(sb, row, widths);
        }

        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i < cells.Length - 1)
            {
                sb.Append(cells[i].PadRight(widths[i])).Append("  ");
            }
            else
            {
                sb.Append(cells[i]);
            }
        }

        sb.AppendLine();
    }
}
