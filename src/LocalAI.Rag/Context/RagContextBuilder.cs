using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LocalAI.Rag;

/// <summary>
/// Turns search hits into numbered passages within a token budget, without duplicates. Only the builder writes passage
/// headers (<c>[n] (source: ...)</c>): metadata in a header is kept to one line (line breaks, control and format
/// characters become spaces), and a line of passage text that looks like a header is escaped with a leading
/// backslash, so a document cannot forge another passage or a line of its own.
/// </summary>
public sealed partial class RagContextBuilder
{
    private const int MaxHeaderValueLength = 200;
    private readonly ITokenCounter _counter;
    private readonly RagContextOptions _options;

    /// <summary>Initializes a new instance of the <see cref="RagContextBuilder"/> class.</summary>
    /// <param name="counter">Counts tokens for the budget.</param>
    /// <param name="options">The budget and duplicate handling.</param>
    public RagContextBuilder(ITokenCounter counter, RagContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(counter);
        _counter = counter;
        _options = options ?? new RagContextOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxTokens, 1);
    }

    /// <summary>Builds the context from hits in rank order; a passage that does not fit the remaining budget is left out.</summary>
    /// <param name="hits">The search hits, best first.</param>
    /// <returns>The numbered passages and their citations.</returns>
    public RagContext Build(IReadOnlyList<VectorSearchHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var citations = new List<RagCitation>();
        var text = new StringBuilder();
        var tokens = 0;
        foreach (var hit in hits)
        {
            var record = hit.Record;
            if (_options.RemoveDuplicates && !seen.Add(Normalize(record.Text)))
            {
                continue;
            }

            var number = citations.Count + 1;
            var passage = Format(number, record);
            var passageTokens = _counter.CountTokens(passage);
            if (tokens + passageTokens > _options.MaxTokens)
            {
                continue;
            }

            tokens += passageTokens;
            text.Append(passage);
            citations.Add(new RagCitation(number, record.DocumentId, record.Id, hit.Score, record.Text)
            {
                Context = record.Context,
                Metadata = record.Metadata,
            });
        }

        return new RagContext(text.ToString().TrimEnd(), citations, tokens);
    }

    /// <summary>Gets the pattern of a passage header as the builder writes it, at the start of a line.</summary>
    internal static Regex Header => HeaderPattern();

    private static string Format(int number, VectorRecord record)
    {
        var source = OneLine(record.Metadata.TryGetValue("source", out var s) ? s : record.DocumentId);
        var header = record.Context is null
            ? string.Create(CultureInfo.InvariantCulture, $"[{number}] (source: {source})")
            : string.Create(CultureInfo.InvariantCulture, $"[{number}] (source: {source}; section: {OneLine(record.Context)})");
        return header + "\n" + Body(record.Text) + "\n\n";
    }

    /// <summary>
    /// The passage text with every kind of line break made <c>\n</c>, other control characters removed, and each line
    /// that would read as a passage header (<c>[n]</c> at its start, even with format characters or spaces inside)
    /// escaped with a leading backslash.
    /// </summary>
    private static string Body(string text)
    {
        var lines = LineBreakPattern().Split(text.Trim());
        var sb = new StringBuilder(text.Length + 16);
        foreach (var raw in lines)
        {
            var line = StripControls(raw);
            if (LookAlikePattern().IsMatch(StripFormat(line)))
            {
                sb.Append('\\');
            }

            sb.Append(line).Append('\n');
        }

        return sb.ToString().TrimEnd('\n');
    }

    /// <summary>A metadata value for a header: one line, no control or format characters, at most 200 characters.</summary>
    private static string OneLine(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxHeaderValueLength));
        foreach (var c in value)
        {
            var category = char.GetUnicodeCategory(c);
            var blank = category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || char.IsWhiteSpace(c);
            if (blank)
            {
                if (sb.Length > 0 && sb[^1] != ' ')
                {
                    sb.Append(' ');
                }
            }
            else
            {
                sb.Append(c);
            }

            if (sb.Length >= MaxHeaderValueLength)
            {
                break;
            }
        }

        return sb.ToString().Trim();
    }

    private static string StripControls(string line) =>
        line.Any(c => char.IsControl(c) && c != '\t') ? new string([.. line.Where(c => !char.IsControl(c) || c == '\t')]) : line;

    private static string StripFormat(string line) =>
        new([.. line.Where(c => char.GetUnicodeCategory(c) != UnicodeCategory.Format)]);

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    [GeneratedRegex(@"\r\n|[\r\n\v\f\u0085\u2028\u2029]")]
    private static partial Regex LineBreakPattern();

    [GeneratedRegex(@"^\s*\\*\s*\[\s*\d+\s*\]")]
    private static partial Regex LookAlikePattern();

    [GeneratedRegex(@"^\[\d+\] \(source: ", RegexOptions.Multiline)]
    private static partial Regex HeaderPattern();
}
