using System.Collections.Concurrent;
using System.Diagnostics;

namespace LocalAI.Ollama;

/// <summary>Makes the server die with its host, even a host killed with SIGKILL that runs no handler: on Linux the child is started through util-linux's <c>setpriv --pdeathsig KILL</c>, which sets <c>prctl(PR_SET_PDEATHSIG, SIGKILL)</c> and then execs the server (same process id).</summary>
/// <remarks>
/// The kernel sends the signal when the <em>thread</em> that started the child ends, not only the process; so every guarded
/// child is started from one thread that lives as long as the host. Where <c>setpriv</c> is missing (or too old for
/// <c>--pdeathsig</c>), and on macOS and Windows, children start unguarded: the host's exit handler still kills them on a
/// normal exit, but a killed host leaves them running.
/// </remarks>
internal static class ParentDeathGuard
{
    private static readonly Lazy<string?> Launcher = new(FindLauncher);
    private static readonly Lazy<BlockingCollection<Action>> Starter = new(StartThread);

    /// <summary>Starts <paramref name="process"/>, through the launcher where one is available.</summary>
    /// <param name="process">A process whose start information is set and not started yet.</param>
    public static void Start(Process process)
    {
        if (Launcher.Value is not { } launcher)
        {
            process.Start();
            return;
        }

        var info = process.StartInfo;
        var arguments = info.ArgumentList.ToList();
        info.ArgumentList.Clear();
        foreach (var argument in (string[])["--pdeathsig", "KILL", "--", info.FileName, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.FileName = launcher;
        var started = new TaskCompletionSource();
        Starter.Value.Add(() =>
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        started.Task.GetAwaiter().GetResult();
    }

    private static string? FindLauncher()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var launcher = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);
        if (launcher is null)
        {
            return null;
        }

        // util-linux before 2.33 has no --pdeathsig: try it once.
        try
        {
            using var probe = Process.Start(new ProcessStartInfo(launcher) { ArgumentList = { "--pdeathsig", "KILL", "--", "/bin/true" }, RedirectStandardError = true, UseShellExecute = false });
            if (probe is null)
            {
                return null;
            }

            probe.WaitForExit();
            return probe.ExitCode == 0 ? launcher : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static BlockingCollection<Action> StartThread()
    {
        var work = new BlockingCollection<Action>();
        var thread = new Thread(() =>
        {
            foreach (var start in work.GetConsumingEnumerable())
            {
                start();
            }
        })
        {
            IsBackground = true,
            Name = "LocalAI Ollama server starter",
        };
        thread.Start();
        return work;
    }
}
