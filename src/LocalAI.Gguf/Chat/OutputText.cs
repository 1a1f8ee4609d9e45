using System.Text;

namespace LocalAI.Gguf;

/// <summary>Turns token pieces into text: buffers incomplete UTF-8 sequences, and holds back text that may be the start of a stop sequence.</summary>
internal sealed class OutputText
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly IReadOnlyList<string> _stops;
    private readonly int _holdBack;
    private readonly StringBuilder _pending = new();
    private char[] _chars = new char[64];

    public OutputText(IList<string>? stopSequences)
    {
        _stops = stopSequences?.Where(s => !string.IsNullOrEmpty(s)).ToArray() ?? [];
        _holdBack = _stops.Count == 0 ? 0 : _stops.Max(s => s.Length) - 1;
    }

    /// <summary>Adds a piece and returns the text that can be emitted now.</summary>
    /// <param name="bytes">The piece's bytes.</param>
    /// <param name="stopped">Set when a stop sequence was found; the returned text ends before it.</param>
    /// <returns>The text to emit (may be empty).</returns>
    public string Append(ReadOnlySpan<byte> bytes, out bool stopped)
    {
        stopped = false;
        var needed = _decoder.GetCharCount(bytes, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var n = _decoder.GetChars(bytes, _chars, flush: false);
        if (_stops.Count == 0)
        {
            return n == 0 ? string.Empty : new string(_chars, 0, n);
        }

        _pending.Append(_chars, 0, n);
        var text = _pending.ToString();
        var cut = -1;
        foreach (var stop in _stops)
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
            _pending.Clear();
            return text[..cut];
        }

        var emit = Math.Max(0, text.Length - _holdBack);
        _pending.Remove(0, emit);
        return text[..emit];
    }

    /// <summary>Returns what is still held back, at the end of generation.</summary>
    /// <returns>The remaining text.</returns>
    public string Flush()
    {
        var n = _decoder.GetChars([], _chars, flush: true);
        _pending.Append(_chars, 0, n);
        var text = _pending.ToString();
        _pending.Clear();
        return text;
    }
}
