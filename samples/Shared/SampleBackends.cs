using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.Samples;

/// <summary>Registers the backends that a sample's configuration names, so every sample is configured the same way.</summary>
/// <remarks>
/// <c>LocalAI:Backends</c> lists backend ids in priority order (comma-separated): <c>ollama</c>, <c>ollama-embedded</c>,
/// <c>gguf</c>, <c>mlx</c>, <c>onnx</c>. Each backend binds the section named by its id (<c>LocalAI:ollama</c>, <c>LocalAI:gguf</c>, ...).
/// A GGUF or ONNX model path given with <c>--gguf</c> or <c>--onnx</c> adds that backend when it is not listed.
/// </remarks>
internal static class SampleBackends
{
    /// <summary>Gets the command-line switches every sample understands, mapped to configuration keys.</summary>
    public static IDictionary<string, string> Switches { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--backends"] = "LocalAI:Backends",
        ["--gguf"] = "LocalAI:gguf:ModelPath",
        ["--gguf-embeddings"] = "LocalAI:gguf:EmbeddingModelPath",
        ["--onnx"] = "LocalAI:onnx:ModelPath",
        ["--ollama"] = "LocalAI:ollama:Endpoint",
        ["--model"] = "LocalAI:ollama:DefaultModel",
        ["--prompt"] = "Prompt",
    };

    /// <summary>Builds the configuration: appsettings.json beside the binaries, environment variables, then the command line.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The configuration.</returns>
    public static IConfigurationRoot Configuration(string[] args) => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .AddCommandLine(Split(args).Switches, Switches)
        .Build();

    /// <summary>Returns the arguments that are not switches (nor a switch's value).</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The positional arguments, in order.</returns>
    public static string[] Positional(string[] args) => Split(args).Positional;

    // Only "--name value" and "--name=value" are switches: a positional absolute path ("/home/...") must not be read as one.
    private static (string[] Switches, string[] Positional) Split(string[] args)
    {
        var switches = new List<string>();
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                switches.Add(args[i]);
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length)
                {
                    switches.Add(args[++i]);
                }
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        return ([.. switches], [.. positional]);
    }

    /// <summary>Registers the backends named in <c>LocalAI:Backends</c> (or <paramref name="defaultBackends"/>), in that order.</summary>
    /// <param name="builder">The LocalAI builder; its <see cref="ILocalAIBuilder.Configuration"/> is the <c>LocalAI</c> section.</param>
    /// <param name="defaultBackends">The backends used when the configuration names none.</param>
    /// <returns>The ids registered, in priority order.</returns>
    public static IReadOnlyList<string> Add(ILocalAIBuilder builder, string defaultBackends)
    {
        var section = builder.Configuration;
        var ids = (section?["Backends"] ?? defaultBackends)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();
        if (!string.IsNullOrEmpty(section?["gguf:ModelPath"]) && !ids.Contains("gguf"))
        {
            ids.Add("gguf");
        }

        if (!string.IsNullOrEmpty(section?["onnx:ModelPath"]) && !ids.Contains("onnx"))
        {
            ids.Add("onnx");
        }

        foreach (var id in ids)
        {
            _ = id switch
            {
                "ollama" => builder.AddOllama(),
                "ollama-embedded" => builder.AddOllamaEmbedded(),
                "gguf" => builder.AddGguf(),
                "mlx" => builder.AddMlx(),
                // Without a configured model, look in a models folder beside the binaries (status then says what is missing).
                "onnx" => builder.AddOnnxEmbeddings(o =>
                {
                    if (string.IsNullOrEmpty(o.ModelPath) && string.IsNullOrEmpty(o.ModelsDirectory))
                    {
                        o.ModelsDirectory = Path.Combine(AppContext.BaseDirectory, "models");
                    }
                }),
                _ => throw new ArgumentException($"Unknown backend '{id}' in LocalAI:Backends; the samples know: ollama, ollama-embedded, gguf, mlx, onnx."),
            };
        }

        return ids;
    }
}
