using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace LocalAI.Benchmarks.Rag.Retrieval;

/// <summary>One manual page as a retrieval case: the query is its NAME description (what <c>whatis</c> prints), the document its text without the NAME section.</summary>
internal sealed record ManPage(string Name, string Query, string Text, bool IsDev);

/// <summary>Reads the gzipped roff manual pages of a folder (Debian's <c>/usr/share/man/man1</c>) into retrieval cases.</summary>
internal static partial class ManPageCorpus
{
    /// <summary>Reads the two sets: pages outside the gcloud family, and gcloud pages, each cut to <paramref name="perSet"/> pages in name order.</summary>
    public static (List<ManPage> Programs, List<ManPage> Gcloud) Read(string folder, int perSet, int maxChars)
    {
        var programs = new List<ManPage>();
        var gcloud = new List<ManPage>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.1.gz").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file)[..^".1.gz".Length];
            var isGcloud = name.StartsWith("gcloud", StringComparison.Ordinal);
            var list = isGcloud ? gcloud : programs;
            if (list.Count >= perSet || Parse(file, name, maxChars) is not { } page)
            {
                continue;
            }

            list.Add(page);
        }

        return (programs, gcloud);
    }

    private static ManPage? Parse(string file, string name, int maxChars)
    {
        string roff;
        using (var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip, Encoding.UTF8))
        {
            roff = reader.ReadToEnd();
        }

        if (roff.StartsWith(".so ", StringComparison.Ordinal))
        {
            return null; // a link to another page
        }

        var description = new StringBuilder();
        var text = new StringBuilder();
        var section = string.Empty;
        foreach (var raw in roff.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith(".SH", StringComparison.Ordinal) || line.StartsWith(".Sh", StringComparison.Ordinal))
            {
                section = Plain(line[3..]).Trim().Trim('"').ToUpperInvariant();
                if (section != "NAME")
                {
                    text.Append('\n').Append(section).Append('\n');
                }

                continue;
            }

            if (line.StartsWith(".\\\"", StringComparison.Ordinal) || line.StartsWith("'\\\"", StringComparison.Ordinal))
            {
                continue;
            }

            var content = line.StartsWith('.') ? MacroArguments(line) : line;
            var plain = Plain(content);
            if (plain.Length == 0)
            {
                continue;
            }

            (section == "NAME" ? description : text).Append(plain).Append(' ');
        }

        var whatis = description.ToString();
        var dash = whatis.IndexOf(" - ", StringComparison.Ordinal);
        var query = dash < 0 ? string.Empty : whatis[(dash + 3)..].Trim();
        var body = Spaces().Replace(text.ToString(), " ").Trim();
        if (query.Length < 3 || body.Length < 50)
        {
            return null;
        }

        return new ManPage(name, query, body.Length > maxChars ? body[..maxChars] : body, IsDev: (StableHash(name) & 1) == 0);
    }

    private static string MacroArguments(string line)
    {
        var space = line.IndexOf(' ');
        var macro = space < 0 ? line : line[..space];
        return macro is ".B" or ".I" or ".BR" or ".IR" or ".RB" or ".RI" or ".BI" or ".IB" or ".SS" or ".TP" or ".IP" or ".Nm" or ".Nd" or ".Ar" or ".Fl" or ".It"
            ? (space < 0 ? string.Empty : line[(space + 1)..].Replace("\"", string.Empty, StringComparison.Ordinal))
            : string.Empty;
    }

    private static string Plain(string roff)
    {
        var s = FontEscapes().Replace(roff, string.Empty);
        s = s.Replace("\\-", "-", StringComparison.Ordinal).Replace("\\(em", "-", StringComparison.Ordinal).Replace("\\(en", "-", StringComparison.Ordinal)
            .Replace("\\&", string.Empty, StringComparison.Ordinal).Replace("\\e", "\\", StringComparison.Ordinal).Replace("\\ ", " ", StringComparison.Ordinal)
            .Replace("\\(aq", "'", StringComparison.Ordinal).Replace("\\(dq", "\"", StringComparison.Ordinal).Replace("\\,", string.Empty, StringComparison.Ordinal)
            .Replace("\\/", string.Empty, StringComparison.Ordinal).Replace("\\|", string.Empty, StringComparison.Ordinal);
        s = OtherEscapes().Replace(s, string.Empty);
        return Spaces().Replace(s, " ").Trim();
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    [GeneratedRegex(@"\\f(\[[^\]]*\]|\(..|.)")]
    private static partial Regex FontEscapes();

    [GeneratedRegex(@"\\(\*\(..|\*.|\(..|s[-+]?\d|\[[^\]]*\]|.)")]
    private static partial Regex OtherEscapes();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
