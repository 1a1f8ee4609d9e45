using System.Text.Json;
using LocalAI.Testing.Models;

namespace LocalAI.Onnx.Tests.Support;

/// <summary>The fixture files copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Gets the tiny random-weight BERT sentence encoder folder (sentence-transformers layout, ONNX export), shared through LocalAI.Testing.Models.</summary>
    public static string TinyBert => TinyBertModel.FolderPath;

    /// <summary>Gets the reference cases computed by sentence-transformers.</summary>
    public static IReadOnlyList<ReferenceCase> ReferenceCases { get; } = LoadReferenceCases();

    /// <summary>Gets the WordPiece conformance pairs: input text and the reference ids without special tokens.</summary>
    public static IReadOnlyList<(string Text, int[] Ids)> WordPieceCases { get; } = LoadWordPieceCases();

    /// <summary>Copies the tiny model folder into a new temporary folder.</summary>
    public static TemporaryDirectory CopyTinyBert(string name = "tiny-bert-st")
    {
        var temp = new TemporaryDirectory();
        CopyDirectory(TinyBert, Path.Combine(temp.Path, name));
        return temp;
    }

    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static List<ReferenceCase> LoadReferenceCases()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "tiny-bert-st.expected.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("text").GetString()!,
            [.. c.GetProperty("input_ids").EnumerateArray().Select(i => i.GetInt32())],
            [.. c.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())]))];
    }

    private static List<(string, int[])> LoadWordPieceCases()
    {
        // The format of llama.cpp's tokenizer tests: inputs separated by lines "__ggml_vocab_test__", one output line each.
        var inputs = File.ReadAllText(Path.Combine(Root, "bert-wordpiece-cases.inp")).Split("\n__ggml_vocab_test__\n");
        var outputs = File.ReadAllLines(Path.Combine(Root, "bert-wordpiece-cases.out"));
        if (inputs.Length != outputs.Length + 1 || inputs[^1].Length != 0)
        {
            throw new InvalidDataException($"bert-wordpiece-cases: {inputs.Length - 1} inputs but {outputs.Length} outputs.");
        }

        return [.. outputs.Select((line, i) => (inputs[i], line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray()))];
    }
}
