using System.Diagnostics;
using System.Globalization;

namespace LocalAI.Rag.Tests;

public sealed class CrashRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_process_killed_while_indexing_leaves_a_store_with_the_last_complete_state(int killAfterGeneration)
    {
        const int Documents = 6;
        const int Paragraphs = 30;
        var path = _dir.File("crash.ragstore");
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var writerDll = Path.Combine(RepositoryPaths.Root, "tests", "LocalAI.Rag.Tests.IndexWriter", "bin", baseDir.Parent!.Name, baseDir.Name, "LocalAI.Rag.Tests.IndexWriter.dll");
        Assert.True(File.Exists(writerDll), $"{writerDll} was not built");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { writerDll, path, Documents.ToString(CultureInfo.InvariantCulture), Paragraphs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committed = 0;
        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("committed ", StringComparison.Ordinal) == true)
            {
                var generation = int.Parse(e.Data["committed ".Length..], CultureInfo.InvariantCulture);
                Volatile.Write(ref committed, generation);
                if (generation >= killAfterGeneration)
                {
                    // Killed right away, while the next generation is being written.
                    try
                    {
                        process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                    }

                    reached.TrySetResult();
                }
            }
        };
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
        process.Exited += (_, _) => reached.TrySetException(new InvalidOperationException("the writer exited: " + errors));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        await using var store = await FileVectorStore.OpenAsync(new FileVectorStoreOptions { Path = path });
        var lastComplete = Volatile.Read(ref committed);
        Assert.True(lastComplete >= killAfterGeneration);
        for (var d = 0; d < Documents; d++)
        {
            var chunks = await store.GetDocumentAsync($"doc-{d}");
            Assert.Equal(Paragraphs, chunks.Count);
            var generations = chunks.Select(c => int.Parse(c.Metadata["generation"], CultureInfo.InvariantCulture)).Distinct().ToList();
            var generation = Assert.Single(generations);
            Assert.InRange(generation, lastComplete, lastComplete + 1);
            Assert.All(chunks, c => Assert.StartsWith($"Generation {generation} document {d} ", c.Text, StringComparison.Ordinal));
        }

        // The store opens for writing again after the crash.
        await store.ReplaceDocumentsAsync([new DocumentRecords("doc-0", [])]);
        Assert.Equal((Documents - 1) * Paragraphs, await store.CountAsync());
    }
}
