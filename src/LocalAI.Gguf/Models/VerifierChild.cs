using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LocalAI.Gguf;

/// <summary>
/// Runs the verifier app (<c>LocalAI.Gguf.Verifier.dll</c>) as a child process over a list of files and reads its verdicts; a child
/// that dies on a file gives that file a verdict naming the signal and the last native log line, and a fresh child goes on with the rest.
/// </summary>
internal sealed class VerifierChild
{
    /// <summary>The verifier assembly's file name.</summary>
    public const string AssemblyName = "LocalAI.Gguf.Verifier.dll";

    private readonly string _verifierPath;
    private readonly string? _nativeLibraryPath;
    private readonly int _threads;
    private readonly TimeSpan _timeoutPerFile;

    /// <summary>Initializes a new instance of the <see cref="VerifierChild"/> class.</summary>
    /// <param name="verifierPath">The verifier assembly, or <see langword="null"/> for the one beside the app.</param>
    /// <param name="nativeLibraryPath">The native library folder the child uses, as in the options.</param>
    /// <param name="threads">CPU threads for the child's decode.</param>
    /// <param name="timeoutPerFile">How long one file may take before the child is killed.</param>
    public VerifierChild(string? verifierPath, string? nativeLibraryPath, int threads, TimeSpan timeoutPerFile)
    {
        _verifierPath = Path.GetFullPath(verifierPath ?? Path.Combine(AppContext.BaseDirectory, AssemblyName));
        _nativeLibraryPath = nativeLibraryPath;
        _threads = threads;
        _timeoutPerFile = timeoutPerFile;
    }

    /// <summary>Verifies files in as few child processes as their crashes allow.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="cancellationToken">Kills the running child and stops.</param>
    /// <returns>One verdict per file, in order: <see langword="null"/> for a file that works, else why it does not.</returns>
    /// <exception cref="BackendUnavailableException">The verifier app is missing or cannot start.</exception>
    public async Task<string?[]> VerifyAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (!File.Exists(_verifierPath))
        {
            throw new BackendUnavailableException(
                $"VerifyInChildProcess is on but the verifier '{_verifierPath}' is missing: add the LocalAI.Gguf.Verifier package to the app, or set GgufBackendOptions.VerifierPath.");
        }

        var verdicts = new string?[paths.Count];
        var next = 0;
        while (next < paths.Count)
        {
            next = await RunOnceAsync(paths, next, verdicts, cancellationToken).ConfigureAwait(false);
        }

        return verdicts;
    }

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            return process;
        }

        // The shared framework lives in <root>/shared/Microsoft.NETCore.App/<version>/; the host is <root>/dotnet.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    private static string Describe(int exitCode) => exitCode switch
    {
        134 => "SIGABRT (an assertion in llama.cpp)",
        139 => "SIGSEGV (an invalid memory access)",
        136 => "SIGFPE (an arithmetic fault)",
        135 => "SIGBUS",
        132 => "SIGILL",
        137 => "SIGKILL (out of memory, or killed)",
        > 128 and < 160 => $"signal {exitCode - 128}",
        _ => $"exit code {exitCode}",
    };

    /// <summary>Runs one child from file <paramref name="first"/> on; returns the index of the first file still without a verdict.</summary>
    private async Task<int> RunOnceAsync(IReadOnlyList<string> paths, int first, string?[] verdicts, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = StartInfo(), EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        string? lastLogLine = null;
        var logGate = new Lock();
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (logGate)
                {
                    lastLogLine = e.Data.Trim();
                }
            }
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new BackendUnavailableException($"The model verifier could not start ({process.StartInfo.FileName} {AssemblyName}): {ex.Message}", ex);
        }

        process.BeginErrorReadLine();
        var current = first;
        var feed = FeedAsync(process.StandardInput, paths, first);
        try
        {
            while (true)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_timeoutPerFile);
                string? line;
                try
                {
                    line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    Kill(process);
                    verdicts[current] = $"the verifier did not finish with the file within {_timeoutPerFile.TotalSeconds:0} s (llama.cpp's last line: {lastLogLine ?? "none"})";
                    return current + 1;
                }

                if (line is null)
                {
                    break;
                }

                // Anything else on standard output (a native library's own printing) is not part of the protocol.
                var parts = line.Split(' ', 3);
                if (parts.Length < 2 || parts[0] is not ("begin" or "ok" or "refused") ||
                    !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset) || first + offset >= paths.Count)
                {
                    continue;
                }

                var index = first + offset;
                current = index;
                if (parts[0] == "ok")
                {
                    verdicts[index] = null;
                    current = index + 1;
                }
                else if (parts[0] == "refused")
                {
                    verdicts[index] = parts.Length > 2 ? parts[2] : "refused";
                    current = index + 1;
                }
            }

            await exited.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            process.WaitForExit();
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }
        finally
        {
            await feed.ConfigureAwait(false);
        }

        if (current >= paths.Count)
        {
            return current;
        }

        if (process.ExitCode == 2 && current == first)
        {
            throw new BackendUnavailableException($"The model verifier could not load llama.cpp: {lastLogLine}");
        }

        lock (logGate)
        {
            verdicts[current] = $"llama.cpp ended the verifier process with {Describe(process.ExitCode)}; its last line: {lastLogLine ?? "none"}";
        }

        return current + 1;
    }

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(_verifierPath);
        info.ArgumentList.Add(_threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_nativeLibraryPath is not null)
        {
            info.ArgumentList.Add(Path.GetFullPath(_nativeLibraryPath));
        }

        // A crash is expected here: no dump, and no backtrace (ggml attaches a debugger to print one, which takes seconds).
        info.Environment["GGML_NO_BACKTRACE"] = "1";
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        info.Environment["DOTNET_EnableCrashReport"] = "0";
        return info;
    }

    private static async Task FeedAsync(StreamWriter input, IReadOnlyList<string> paths, int first)
    {
        try
        {
            for (var i = first; i < paths.Count; i++)
            {
                await input.WriteLineAsync(paths[i]).ConfigureAwait(false);
            }

            await input.FlushAsync().ConfigureAwait(false);
            input.Close();
        }
        catch (IOException)
        {
            // The child died before reading everything: the files after the one it died on go to the next child.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }
}
