using LocalAI.Rag;

namespace LocalAI.Samples.Rag;

/// <summary>Draws indexing progress as one bar: redrawn in place on a terminal, one line per tenth when the output is redirected.</summary>
internal sealed class ProgressBar : IProgress<IndexingProgress>
{
    private const int Width = 30;
    private int _lastTenth = -1;

    /// <inheritdoc/>
    public void Report(IndexingProgress value)
    {
        var total = Math.Max(1, value.DocumentsTotal);
        var fraction = Math.Clamp((double)value.DocumentsIndexed / total, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        var line = $"  [{new string('#', filled)}{new string('.', Width - filled)}] {value.DocumentsIndexed}/{value.DocumentsTotal} documents, {value.ChunksIndexed} chunks ({value.ChunksEmbedded} embedded), {value.Elapsed.TotalSeconds:F1} s";
        if (!Console.IsOutputRedirected)
        {
            Console.Write("\r" + line);
            return;
        }

        var tenth = (int)(fraction * 10);
        if (tenth != _lastTenth)
        {
            _lastTenth = tenth;
            Console.WriteLine(line);
        }
    }

    /// <summary>Ends the bar's line on a terminal.</summary>
    public static void Finish()
    {
        if (!Console.IsOutputRedirected)
        {
            Console.WriteLine();
        }
    }
}
