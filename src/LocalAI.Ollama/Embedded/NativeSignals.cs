using System.Runtime.InteropServices;

namespace LocalAI.Ollama;

/// <summary>Sends POSIX signals; .NET's <see cref="System.Diagnostics.Process"/> can only kill.</summary>
internal static partial class NativeSignals
{
    private const int SigTerm = 15;

    /// <summary>Asks a process to terminate (SIGTERM) on Unix; returns <see langword="false"/> where that is not possible.</summary>
    public static bool TryTerminate(int processId) => !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
