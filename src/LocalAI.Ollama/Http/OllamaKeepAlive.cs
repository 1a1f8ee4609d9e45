using System.Globalization;

namespace LocalAI.Ollama;

/// <summary>Writes a keep-alive duration the way Ollama reads it in <c>keep_alive</c> and <c>OLLAMA_KEEP_ALIVE</c>.</summary>
internal static class OllamaKeepAlive
{
    /// <summary>Formats <paramref name="keepAlive"/> as whole seconds (<c>600s</c>), <c>-1</c> (forever) when negative, <see langword="null"/> for the server's default.</summary>
    public static string? Format(TimeSpan? keepAlive) => keepAlive switch
    {
        null => null,
        { } k when k < TimeSpan.Zero => "-1",
        { } k => ((long)k.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
    };
}
