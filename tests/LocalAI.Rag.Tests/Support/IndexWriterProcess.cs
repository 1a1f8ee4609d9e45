using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LocalAI.Rag.Tests;

/// <summary>The LocalAI.Rag.Tests.IndexWriter child: indexes generation after generation into a store until it is killed.</summary>
internal sealed class IndexWriterProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _errors = new();
    private int _committed;

    private IndexWriterProcess(Process process) => _process = process;

    /// <summary>Gets the last generation the child reported complete.</summary>
    public int Committed => Volatile.Read(ref _committed);

    /// <summary>Gets the child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts the child; it is killed (SIGKILL) the moment it reports <paramref name="killAfter"/>, while it writes the next generation.</summary>
    public static IndexWriterProcess Start(string path, int documents, int paragraphs, int? killAfter = null)
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var writerDll = Path.Combine(RepositoryPaths.Root, "tests", "LocalAI.Rag.Tests.IndexWriter", "bin", baseDir.Parent!.Name, baseDir.Name, "LocalAI.Rag.Tests.IndexWriter.dll");
        Assert.True(File.Exists(writerDll), $"{writerDll} was not built");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { writerDll, path, documents.ToString(CultureInfo.InvariantCulture), paragraphs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var writer = new IndexWriterProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        writer._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("committed ", StringComparison.Ordinal) != true)
            {
                return;
            }

            var generation = int.Parse(e.Data["committed ".Length..], CultureInfo.InvariantCulture);
            Volatile.Write(ref writer._committed, generation);
            if (killAfter is { } kill && generation < kill)
            {
                return;
            }

            if (killAfter is not null)
            {
                writer.Kill();
            }

            writer._reached.TrySetResult();
        };
        writer._process.ErrorDataReceived += (_, e) =>
        {
            lock (writer._errors)
            {
                writer._errors.AppendLine(e.Data);
            }
        };
        writer._process.Exited += (_, _) => writer._reached.TrySetException(new InvalidOperationException("the writer exited: " + writer._errors));
        writer._process.Start();
        writer._process.BeginOutputReadLine();
        writer._process.BeginErrorReadLine();
        return writer;
    }

    /// <summary>Waits until the child has reported its first generation, or the one it is killed after; a hang guard of a minute.</summary>
    public Task WaitForCommitAsync() => _reached.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Kills the child with SIGKILL.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Kills the child and waits until it is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
