using System.Globalization;
using System.Text.Json;

namespace LocalAI.Council;

/// <summary>
/// Reads a reviewer's reply: the JSON object may be the whole reply, sit in a code fence, or be embedded in prose;
/// scores may be numbers or strings ("8", "8/10"); labels may be in another case or written "Response A".
/// </summary>
internal static class ReviewParser
{
    private const double MinScore = 1;
    private const double MaxScore = 10;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>
    /// Reads the scores of a reply. A reply that scores some responses and leaves others out is read for the ones it
    /// scores (the caller finds the rest unscored); among several candidate objects, one that scores every label wins,
    /// else the one that scores the most.
    /// </summary>
    public static bool TryParse(string? text, IReadOnlyList<string> labels, out List<ParsedScore> scores, out string error)
    {
        scores = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the reply was empty";
            return false;
        }

        string? firstError = null;
        List<ParsedScore>? best = null;
        foreach (var candidate in Candidates(text))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(candidate, DocumentOptions);
            }
            catch (JsonException)
            {
                continue;
            }

            using (document)
            {
                if (!TryGetRankings(document.RootElement, out var rankings))
                {
                    continue;
                }

                if (!TryRead(rankings, labels, out var read, out var validation))
                {
                    firstError ??= validation;
                    continue;
                }

                if (read.Count == labels.Count)
                {
                    scores = read;
                    error = string.Empty;
                    return true;
                }

                if (best is null || read.Count > best.Count)
                {
                    best = read;
                }
            }
        }

        if (best is not null)
        {
            scores = best;
            error = string.Empty;
            return true;
        }

        error = firstError ?? "no JSON object with a \"rankings\" array was found in the reply";
        return false;
    }

    /// <summary>The labels <paramref name="scores"/> leaves out, in the order shown to the reviewer.</summary>
    public static List<string> Unscored(IReadOnlyList<string> labels, IReadOnlyList<ParsedScore> scores) =>
        labels.Where(l => !scores.Any(s => string.Equals(s.Label, l, StringComparison.Ordinal))).ToList();

    /// <summary>The error fed back to a reviewer whose reply left <paramref name="unscored"/> out.</summary>
    public static string DescribeUnscored(IReadOnlyList<string> unscored) =>
        $"response{(unscored.Count > 1 ? "s" : string.Empty)} {string.Join(", ", unscored)} {(unscored.Count > 1 ? "were" : "was")} not ranked; rank every response exactly once";

    private static bool TryGetRankings(JsonElement root, out JsonElement rankings)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            rankings = root;
            return true;
        }

        if (root.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Array
                    && (property.NameEquals("rankings") || string.Equals(property.Name, "rankings", StringComparison.OrdinalIgnoreCase)
                        || string.Equals(property.Name, "ranking", StringComparison.OrdinalIgnoreCase)))
                {
                    rankings = property.Value;
                    return true;
                }
            }
        }

        rankings = default;
        return false;
    }

    private static bool TryRead(JsonElement rankings, IReadOnlyList<string> labels, out List<ParsedScore> scores, out string error)
    {
        scores = [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in rankings.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = $"each entry of \"rankings\" must be an object, found {item.ValueKind}";
                return false;
            }

            string? rawLabel = null;
            JsonElement? rawScore = null;
            string? reasoning = null;
            foreach (var property in item.EnumerateObject())
            {
                var name = property.Name.ToUpperInvariant();
                if (name is "RESPONSE" or "LABEL" or "ID")
                {
                    rawLabel = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
                else if (name is "SCORE" or "RATING")
                {
                    rawScore = property.Value;
                }
                else if (name is "REASONING" or "REASON" or "RATIONALE" or "EXPLANATION")
                {
                    reasoning = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }

            if (rawLabel is null)
            {
                error = "an entry has no \"response\" label";
                return false;
            }

            var label = NormalizeLabel(rawLabel);
            if (!labels.Contains(label, StringComparer.Ordinal))
            {
                error = $"unknown response label '{rawLabel}' (expected one of {string.Join(", ", labels)})";
                return false;
            }

            if (!seen.Add(label))
            {
                error = $"response {label} is ranked more than once";
                return false;
            }

            if (rawScore is null || !TryReadScore(rawScore.Value, out var score))
            {
                error = $"response {label} has no numeric \"score\"";
                return false;
            }

            if (score is < MinScore or > MaxScore)
            {
                error = $"response {label} has score {score.ToString(CultureInfo.InvariantCulture)}, outside 1 to 10";
                return false;
            }

            scores.Add(new ParsedScore(label, score, reasoning));
        }

        if (scores.Count == 0)
        {
            error = "no response was ranked";
            return false;
        }

        error = string.Empty;
        return true;
    }

    internal static string NormalizeLabel(string raw)
    {
        var label = raw.Trim().Trim('"', '\'', '(', ')', '[', ']', '*', '.', ':').Trim();
        if (label.StartsWith("response", StringComparison.OrdinalIgnoreCase))
        {
            label = label["response".Length..].Trim();
        }

        return label.ToUpperInvariant();
    }

    private static bool TryReadScore(JsonElement value, out double score)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out score);
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                var end = 0;
                while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
                {
                    end++;
                }

                return double.TryParse(text.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out score);
            default:
                score = 0;
                return false;
        }
    }

    /// <summary>The whole reply, the contents of each code fence, then each outermost {...} in the prose.</summary>
    private static IEnumerable<string> Candidates(string text)
    {
        yield return text.Trim();

        var start = 0;
        while ((start = text.IndexOf("```", start, StringComparison.Ordinal)) >= 0)
        {
            var bodyStart = text.IndexOf('\n', start);
            if (bodyStart < 0)
            {
                break;
            }

            var end = text.IndexOf("```", bodyStart, StringComparison.Ordinal);
            if (end < 0)
            {
                yield return text[(bodyStart + 1)..];
                break;
            }

            yield return text[(bodyStart + 1)..end];
            start = end + 3;
        }

        foreach (var span in OutermostBlocks(text))
        {
            yield return span;
        }
    }

    private static IEnumerable<string> OutermostBlocks(string text)
    {
        var depth = 0;
        var begin = -1;
        var inString = false;
        var escaped = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (depth > 0 && inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"' when depth > 0:
                    inString = true;
                    break;
                case '{' or '[' when depth > 0 || c == '{':
                    if (depth == 0)
                    {
                        begin = i;
                    }

                    depth++;
                    break;
                case '}' or ']' when depth > 0:
                    depth--;
                    if (depth == 0)
                    {
                        yield return text[begin..(i + 1)];
                    }

                    break;
            }
        }
    }
}
