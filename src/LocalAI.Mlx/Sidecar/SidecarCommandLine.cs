using System.Diagnostics;
using System.Globalization;

namespace LocalAI.Mlx;

/// <summary>Builds the command line that starts <c>mlx_server.py</c>: the interpreter, the script and the options it reads from its arguments and environment.</summary>
internal static class SidecarCommandLine
{
    /// <summary>Returns the start information of the sidecar process.</summary>
    /// <param name="python">The interpreter.</param>
    /// <param name="script">The full path of <c>mlx_server.py</c>; its folder is the working directory.</param>
    /// <param name="options">The backend options: engine, engine paths and options, loaded-model and line limits.</param>
    public static ProcessStartInfo Create(PythonInstallation python, string script, MlxBackendOptions options)
    {
        var startInfo = new ProcessStartInfo(python.Path)
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        startInfo.ArgumentList.Add("-u");
        startInfo.ArgumentList.Add(script);
        if (options.Engine is { } engine)
        {
            startInfo.ArgumentList.Add("--engine");
            startInfo.ArgumentList.Add(engine);
        }

        foreach (var path in options.EnginePaths)
        {
            startInfo.ArgumentList.Add("--engine-path");
            startInfo.ArgumentList.Add(path);
        }

        foreach (var (key, value) in options.EngineOptions)
        {
            startInfo.ArgumentList.Add("--engine-option");
            startInfo.ArgumentList.Add(key + "=" + value);
        }

        startInfo.ArgumentList.Add("--max-models");
        startInfo.ArgumentList.Add(options.MaxLoadedModels.ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add("--max-line-bytes");
        startInfo.ArgumentList.Add(options.MaxRequestLineBytes.ToString(CultureInfo.InvariantCulture));
        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONIOENCODING"] = "utf-8";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        return startInfo;
    }
}
