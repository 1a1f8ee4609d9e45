using System.Text;

namespace LocalAI.Gguf.Chat;

/// <summary>Turns token pieces into text: buffers incomplete UTF-8 sequences, and holds back text that may be the start of a stop sequence.</summary>
internal sealed class OutputText
{
    private readonly Decoder decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly IReadOnlyList<string> stops;
    private readonly int holdBack;
    private readonly StringBuilder pending = new();
    private char[] chars = new char[64];

    public OutputText(IList<string>? stopSequences)
    {
        stops = stopSequences?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? [];
        holdBack = stops.Count == 0 ? 0 : stops.Max(s => s.Length) - 1;
    }

    /// <summary>Adds a piece and returns the text that can be emitted now.</summary>
    /// <param name="bytes">The piece's bytes.</param>
    /// <param name="stopped">Set when a stop sequence was found; the returned text ends before it.</param>
    /// <returns>The text to emit (may be empty).</returns>
    public string Append(ReadOnlySpan<byte> bytes, out bool stopped)
    {
        stopped = false;
        var needed = decoder.GetCharCount(bytes, flush: false);
        if (needed > chars.Length)
        {
            chars = new char[Math.Max(needed, chars.Length * 2)];
        }

        var n = decoder.GetChars(bytes, chars, flush: false);
        if (stops.Count == 0)
        {
            return n == 0 ? string.Empty : new string(chars, 0, n);
        }

        pending.Append(chars, 0, n);
        var text = pending.ToString();
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        if (cut >= 0)
        {
            stopped = true;
            pending.Clear();
            return text[..cut];
        }

        var emit = Math.Max(0, text.Length - holdBack);
        pending.Remove(0, emit);
        return text[..emit];
    }

    /// <summary>Returns what is still held back, at the end of generation.</summary>
    /// <returns>The remaining text.</returns>
    public string Flush()
    {
        var n = decoder.GetChars([], chars, flush: true);
        pending.Append(chars, 0, n);
        var text = pending.ToString();
        pending.Clear();
        return text;
    }
}
