using System.Diagnostics;
using System.Globalization;

namespace LocalAI.Ollama;

/// <summary>Builds the command line of the embedded server: <c>ollama serve</c> on a loopback port, with the settings Ollama reads from its environment.</summary>
internal static class OllamaServeCommand
{
    /// <summary>Returns the start information of <c>ollama serve</c>.</summary>
    /// <param name="binary">The <c>ollama</c> binary.</param>
    /// <param name="port">The loopback port to serve on.</param>
    /// <param name="options">The embedded server's settings: models folder, parallelism, loaded models, keep-alive, extra environment.</param>
    public static ProcessStartInfo Create(string binary, int port, OllamaEmbeddedBackendOptions options)
    {
        var info = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("serve");

        // Never beyond loopback, whatever the parent's environment says.
        info.Environment["OLLAMA_HOST"] = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        info.Environment["OLLAMA_NUM_PARALLEL"] = options.NumParallel.ToString(CultureInfo.InvariantCulture);
        if (options.ModelsDirectory is { } models)
        {
            Directory.CreateDirectory(models);
            info.Environment["OLLAMA_MODELS"] = Path.GetFullPath(models);
        }

        if (options.MaxLoadedModels is { } maxLoaded)
        {
            info.Environment["OLLAMA_MAX_LOADED_MODELS"] = maxLoaded.ToString(CultureInfo.InvariantCulture);
        }

        if (OllamaKeepAlive.Format(options.KeepAlive) is { } keepAlive)
        {
            info.Environment["OLLAMA_KEEP_ALIVE"] = keepAlive;
        }

        foreach (var (key, value) in options.Environment)
        {
            if (!string.Equals(key, "OLLAMA_HOST", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }
}
