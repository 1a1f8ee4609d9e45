using System.Globalization;

namespace LocalAI.Rag;

/// <summary>
/// The single-writer lock of a store: an exclusive OS lock (<c>flock</c> on Unix) on <c>&lt;store&gt;.lock</c>, held while
/// the writer is open and released on dispose or when the process dies; the holder's process id is written to
/// <c>&lt;store&gt;.lock.pid</c> so a refused writer can name it.
/// </summary>
internal sealed class StoreWriterLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidPath;

    private StoreWriterLock(FileStream @lock, string pidPath)
    {
        _lock = @lock;
        _pidPath = pidPath;
    }

    /// <summary>Takes the writer lock of the store at <paramref name="storePath"/>.</summary>
    /// <exception cref="VectorStoreLockedException">Another writer holds it.</exception>
    public static StoreWriterLock Acquire(string storePath)
    {
        var lockPath = storePath + ".lock";
        var pidPath = lockPath + ".pid";
        FileStream file;
        try
        {
            file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex) when (File.Exists(lockPath))
        {
            var holder = ReadHolder(pidPath);
            var who = holder is { } pid
                ? $"process {pid}{(pid == Environment.ProcessId ? " (this process: another FileVectorStore on the same file)" : string.Empty)}"
                : "another process";
            throw new VectorStoreLockedException(
                $"RAG store '{storePath}' is open for writing by {who}; one writer at a time. Close the other writer, or open this one with ReadOnly = true.",
                ex)
            {
                FilePath = storePath,
                HolderProcessId = holder,
            };
        }

        File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        return new StoreWriterLock(file, pidPath);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(_pidPath); // before the lock is released, so it never removes the next holder's id
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        _lock.Dispose();
    }

    private static int? ReadHolder(string pidPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
