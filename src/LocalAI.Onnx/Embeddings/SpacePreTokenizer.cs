using LocalAI.Text;
using Microsoft.ML.Tokenizers;

namespace LocalAI.Onnx;

/// <summary>Splits at single spaces only: the text it sees is already split into words by <see cref="BertPreTokenizer"/> and joined with spaces.</summary>
internal sealed class SpacePreTokenizer : PreTokenizer
{
    /// <summary>Gets the shared instance.</summary>
    public static SpacePreTokenizer Instance { get; } = new();

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        text is null ? [] : PreTokenize(text.AsSpan());

    /// <inheritdoc/>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var ranges = new List<(int Offset, int Length)>();
        var start = 0;
        while (start < text.Length)
        {
            var space = text[start..].IndexOf(' ');
            var length = space < 0 ? text.Length - start : space;
            if (length > 0)
            {
                ranges.Add((start, length));
            }

            start += length + 1;
        }

        return ranges;
    }
}
