using System.Diagnostics;
using System.Globalization;

namespace LocalAI.Mlx;

/// <summary>Finds the Python interpreter for the sidecar (an explicit path, a virtual environment, or <c>PATH</c>) and checks its version.</summary>
internal static class PythonLocator
{
    /// <summary>The oldest Python the sidecar supports.</summary>
    public static readonly Version MinimumVersion = new(3, 10);

    private const string VersionScript = "import sys; print('%d.%d.%d' % sys.version_info[:3])";

    /// <summary>Lists the interpreters to try, in order: the explicit path, the virtual environments, then names on <c>PATH</c>.</summary>
    public static IReadOnlyList<string> Candidates(MlxBackendOptions options, Func<string, string?> environment, string appDirectory, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.PythonPath))
        {
            return [options.PythonPath];
        }

        var candidates = new List<string>();
        foreach (var venv in new[] { options.VirtualEnvironment, environment("VIRTUAL_ENV"), Path.Combine(appDirectory, ".venv"), Path.Combine(currentDirectory, ".venv") })
        {
            if (!string.IsNullOrWhiteSpace(venv))
            {
                candidates.Add(OperatingSystem.IsWindows() ? Path.Combine(venv, "Scripts", "python.exe") : Path.Combine(venv, "bin", "python"));
            }
        }

        var names = OperatingSystem.IsWindows() ? new[] { "python.exe", "python3.exe" } : ["python3", "python"];
        foreach (var directory in (environment("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in names)
            {
                candidates.Add(Path.Combine(directory, name));
            }
        }

        return candidates;
    }

    /// <summary>Finds the first candidate that exists and runs as Python 3.10 or later.</summary>
    /// <exception cref="BackendUnavailableException">None does; the message says what was tried and what to do.</exception>
    public static async Task<PythonInstallation> LocateAsync(
        string backendId, MlxBackendOptions options, Func<string, string?> environment, string appDirectory, TimeSpan probeTimeout, CancellationToken cancellationToken)
    {
        var candidates = Candidates(options, environment, appDirectory, Directory.GetCurrentDirectory());
        string? tooOld = null;
        string? broken = null;
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var (version, error) = await ProbeAsync(candidate, probeTimeout, cancellationToken).ConfigureAwait(false);
            if (version is null)
            {
                broken ??= $"'{candidate}' could not be run as Python ({error})";
            }
            else if (version < MinimumVersion)
            {
                tooOld ??= $"'{candidate}' is Python {version}";
            }
            else
            {
                return new PythonInstallation(candidate, version);
            }
        }

        var found = string.Join("; ", new[] { tooOld, broken }.OfType<string>());
        var looked = options.PythonPath is { Length: > 0 } explicitPath
            ? $"PythonPath '{explicitPath}'"
            : "VirtualEnvironment, $VIRTUAL_ENV, .venv, and python3/python on PATH";
        throw new BackendUnavailableException(
            $"MLX is not available: no Python {MinimumVersion}+ found (looked at {looked}{(found.Length == 0 ? string.Empty : "; " + found)}). " +
            $"Install Python 3.10 or later, activate a virtual environment, or set LocalAI:{backendId}:PythonPath.")
        {
            BackendId = backendId,
        };
    }

    /// <summary>Runs the interpreter to read its version.</summary>
    public static async Task<(Version? Version, string? Error)> ProbeAsync(string python, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(VersionScript);
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (null, ex.Message);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cts.Token);
            var error = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            var text = (await output.ConfigureAwait(false)).Trim();
            if (process.ExitCode == 0 && Version.TryParse(text, out var version))
            {
                return (version, null);
            }

            return (null, $"exit code {process.ExitCode}: {(await error.ConfigureAwait(false)).Trim()}{text}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (null, string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds} s"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
