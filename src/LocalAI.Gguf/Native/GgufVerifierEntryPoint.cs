namespace LocalAI.Gguf;

/// <summary>
/// What the verifier child process runs for each model file: load it, create a context, decode a few tokens, and embed one text
/// when the model is an embedder. A file that makes llama.cpp abort ends the child, not the app that asked.
/// </summary>
/// <remarks>
/// Protocol: file paths arrive one a line on standard input; for each the child writes <c>begin &lt;n&gt;</c>, then
/// <c>ok &lt;n&gt;</c> or <c>refused &lt;n&gt; &lt;reason&gt;</c> on standard output. Native log lines go to standard error, so
/// the last one there is what llama.cpp said before a crash.
/// </remarks>
internal static class GgufVerifierEntryPoint
{
    private const int ContextSize = 64;

    /// <summary>Runs the protocol until standard input ends.</summary>
    /// <param name="input">The file paths, one a line.</param>
    /// <param name="output">Where verdicts go.</param>
    /// <param name="error">Where native log lines go.</param>
    /// <param name="nativeLibraryPath">The folder of the native libraries, or <see langword="null"/> to search as the backend does.</param>
    /// <param name="threads">CPU threads for the decode.</param>
    /// <returns>The exit code: 0, or 2 when the native libraries cannot be loaded.</returns>
    public static int Run(TextReader input, TextWriter output, TextWriter error, string? nativeLibraryPath, int threads)
    {
        try
        {
            LlamaLibrary.EnsureLoaded(nativeLibraryPath);
        }
        catch (BackendUnavailableException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }

        LlamaLibrary.SetLogSink((_, text) =>
        {
            error.Write(text);
            error.Flush();
        });
        var index = 0;
        while (input.ReadLine() is { } path)
        {
            output.WriteLine($"begin {index}");
            output.Flush();
            var reason = Check(path, threads);
            output.WriteLine(reason is null ? $"ok {index}" : $"refused {index} {OneLine(reason)}");
            output.Flush();
            index++;
        }

        return 0;
    }

    /// <summary>Loads and exercises one file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="threads">CPU threads.</param>
    /// <returns><see langword="null"/> when it works, else why it was refused.</returns>
    public static string? Check(string path, int threads)
    {
        try
        {
            using var model = LlamaModel.Load(path);
            var tokens = model.Tokenize("Hello world", addSpecial: true, parseSpecial: false);
            if (tokens.Length == 0)
            {
                tokens = [0];
            }

            // At most four tokens, and no more than the context the model's trained length allows.
            tokens = tokens[..Math.Min(tokens.Length, Math.Min(4, model.CapContextSize(ContextSize)))];
            if (IsEmbedder(model.File))
            {
                using var embedding = model.CreateEmbeddingContext(ContextSize, 1, threads);
                var vectors = embedding.Embed([tokens]);
                return vectors.Length == 1 && vectors[0].Length > 0 ? null : "llama.cpp returned no embedding";
            }

            using var context = model.CreateContext(ContextSize, ContextSize, threads);
            context.Decode(tokens);
            return null;
        }
        catch (InvalidModelFileException ex)
        {
            return ex.Reason ?? ex.Message;
        }
        catch (LocalAIException ex)
        {
            return ex.Message;
        }
    }

    private static bool IsEmbedder(GgufFile file) =>
        file.PoolingType is not null || file.Metadata.TryGetValue(file.Architecture + ".attention.causal", out var causal) && causal.Value is false;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
