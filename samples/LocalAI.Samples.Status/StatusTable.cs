using System.Globalization;
using System.Text;
using LocalAI;

namespace LocalAI.Samples.Status;

/// <summary>Formats backend statuses as a plain-text table that fits a terminal width, followed by one line per installed model (the <c>models</c> command lists the catalog too).</summary>
internal static class StatusTable
{
    /// <summary>The width the table fits in.</summary>
    public const int DefaultWidth = 120;

    public static string Format(IReadOnlyList<BackendStatus> statuses, BackendManager manager, int width = DefaultWidth)
    {
        string[] header = ["backend", "available", "version", "probe", "circuit", "models", "reason"];
        var rows = statuses.Select(s => new[]
        {
            s.BackendId + (string.Equals(s.BackendId, manager.PreferredBackendId, StringComparison.OrdinalIgnoreCase) ? " *" : string.Empty),
            s.IsAvailable ? "yes" : "no",
            s.Version ?? "-",
            s.ProbeLatency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
            manager.GetCircuitState(s.BackendId).ToString(),
            Installed(s).Any() ? string.Join(", ", Installed(s).Select(m => m.Id)) : "-",
            s.Reason ?? string.Empty,
        }).ToList();

        // Every column as wide as its widest cell, then the free-text columns (models, reason, version) cut to fit.
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var (column, least) in new[] { (6, 12), (5, 20), (2, 16) })
        {
            var over = widths.Sum() + (2 * (widths.Length - 1)) - width;
            if (over > 0)
            {
                widths[column] = Math.Max(least, widths[column] - over);
            }
        }

        var sb = new StringBuilder();
        AppendRow(sb, header, widths);
        AppendRow(sb, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(sb, row, widths);
        }

        foreach (var status in statuses)
        {
            foreach (var model in Installed(status))
            {
                sb.AppendLine(Fit($"  {status.BackendId}: {Describe(model)}", width));
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<LocalModelInfo> Installed(BackendStatus status) => status.Models.Where(m => m.IsInstalled);

    private static string Describe(LocalModelInfo model)
    {
        var parts = new List<string> { model.Id };
        if (model.EmbeddingDimensions is { } dimensions)
        {
            parts.Add($"{dimensions} dimensions");
        }

        if (model.ContextLength is { } context)
        {
            parts.Add($"max {context} tokens" + (model.ContextLengthSource is { } source ? $" (from {source})" : string.Empty));
        }

        if (model.SizeBytes is { } size)
        {
            parts.Add((size / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB");
        }

        parts.Add(model.IsLoaded ? "loaded" : "not loaded");
        return string.Join(", ", parts);
    }

    private static string Fit(string cell, int width) => cell.Length <= width ? cell : cell[..(width - 3)] + "...";

    private static void AppendRow(StringBuilder sb, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = Fit(cells[i], widths[i]);
            sb.Append(i < cells.Length - 1 ? cell.PadRight(widths[i]) + "  " : cell);
        }

        sb.AppendLine();
    }
}
