using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Xunit.Abstractions;

namespace LocalAI.Ollama.Tests;

/// <summary>The parent-death guard against a real host process that starts the embedded server and is then killed with SIGKILL, so none of its own code runs.</summary>
public sealed class ParentDeathGuardTests(ITestOutputHelper output)
{
    private static readonly TimeSpan GoneBound = TimeSpan.FromSeconds(10);

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task AHostKilledWithSigkill_LeavesNoServerRunning()
    {
        var info = new ProcessStartInfo(TestSupport.TestHostExecutable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(TestSupport.TestServerExecutable);
        using var host = Process.Start(info)!;
        var server = await ReadServerPidAsync(host);
        try
        {
            Assert.True(IsRunning(server));

            host.Kill();
            await host.WaitForExitAsync();
            var watch = Stopwatch.StartNew();
            while (IsRunning(server) && watch.Elapsed < GoneBound)
            {
                await Task.Delay(10);
            }

            output.WriteLine($"{watch.ElapsedMilliseconds} ms after its host was killed, the server (pid {server}) {(IsRunning(server) ? "still runs" : "is gone")}");
            Assert.False(IsRunning(server), $"the server (pid {server}) still runs {GoneBound} after its host was killed with SIGKILL");
        }
        finally
        {
            if (IsRunning(server))
            {
                using var orphan = Process.GetProcessById(server);
                orphan.Kill();
            }
        }
    }

    private static async Task<int> ReadServerPidAsync(Process host)
    {
        using var cts = new CancellationTokenSource(TestSupport.Wait);
        while (await host.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("ready ", StringComparison.Ordinal))
            {
                return int.Parse(line["ready ".Length..], CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"the host exited ({host.ExitCode}) before its server was ready: {await host.StandardError.ReadToEndAsync(cts.Token)}");
        return 0;
    }

    /// <summary>Whether the process exists and is not a zombie (an orphan that no one has reaped yet is gone all the same).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
