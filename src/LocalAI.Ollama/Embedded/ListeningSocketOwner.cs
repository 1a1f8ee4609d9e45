using System.Globalization;

namespace LocalAI.Ollama;

/// <summary>Tells on Linux whether a process (or one of its children) holds the socket listening on a TCP port, from <c>/proc/net/tcp*</c> and <c>/proc/&lt;pid&gt;/fd</c>.</summary>
internal static class ListeningSocketOwner
{
    private const string Listen = "0A";

    /// <summary>Returns whether <paramref name="processId"/> or one of its children listens on <paramref name="port"/>.</summary>
    /// <returns><see langword="null"/> where it cannot be told: not Linux, or <c>/proc</c> unreadable.</returns>
    public static bool? Owns(int processId, int port)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var inodes = ListeningInodes(port);
            if (inodes.Count == 0)
            {
                return false;
            }

            return Family(processId).Any(pid => HoldsAny(pid, inodes));
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            // The process went away while it was read.
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The inodes of the sockets listening on the port, over IPv4 and IPv6.</summary>
    private static HashSet<string> ListeningInodes(int port)
    {
        var hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // "sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ..."
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[1].EndsWith(hexPort, StringComparison.Ordinal) && fields[3] == Listen)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        return inodes;
    }

    /// <summary>The process and its direct children (a wrapper that did not exec).</summary>
    private static IEnumerable<int> Family(int processId)
    {
        yield return processId;
        var tasks = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/task";
        if (!Directory.Exists(tasks))
        {
            yield break;
        }

        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            var children = Path.Combine(task, "children");
            if (!File.Exists(children))
            {
                continue;
            }

            foreach (var child in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(child, CultureInfo.InvariantCulture);
            }
        }
    }

    private static bool HoldsAny(int processId, HashSet<string> inodes)
    {
        var fds = $"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/fd";
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(fds))
            {
                // A socket's link reads "socket:[<inode>]".
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            // The process (or the descriptor) went away while it was read.
        }

        return false;
    }
}
