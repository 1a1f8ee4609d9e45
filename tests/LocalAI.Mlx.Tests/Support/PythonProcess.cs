using System.Diagnostics;

namespace LocalAI.Mlx.Tests.Support;

/// <summary>Runs python3 as a child process and captures its output.</summary>
public static class PythonProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var process = Process.Start(startInfo)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Returns whether python3 can import <paramref name="module"/>; synchronous, for the constructors of skipping facts.</summary>
    public static bool CanImport(string module)
    {
        var startInfo = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add($"import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('{module}') else 1)");
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        try
        {
            using var process = Process.Start(startInfo)!;
            if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
