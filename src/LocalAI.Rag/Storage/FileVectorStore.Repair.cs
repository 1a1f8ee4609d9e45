using Microsoft.Extensions.Logging;

namespace LocalAI.Rag;

/// <summary>The repair of a damaged store file.</summary>
public sealed partial class FileVectorStore
{
    /// <summary>
    /// Repairs a store file: keeps every record whose checksum holds, before and after any damaged bytes, drops only what
    /// fails its checksum (and an incomplete last write), writes the result to a new file and renames it over the store
    /// atomically. The file as it was is copied to <c>&lt;store&gt;.damaged</c> first. Takes the writer lock, so no
    /// writer may have the store open.
    /// </summary>
    /// <param name="options">The store's settings (<see cref="FileVectorStoreOptions.Path"/> names the file).</param>
    /// <param name="model">
    /// The embedding model the store was written with: needed only when the model record itself is damaged (it is
    /// then written again, after checking its dimensions against the kept vectors); when the record survived, it must match.
    /// </param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the repair before the rename; the store is then unchanged.</param>
    /// <returns>What was dropped and kept.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidVectorStoreFileException">The file is not a store, or its model record is damaged and <paramref name="model"/> was not given.</exception>
    /// <exception cref="VectorStoreLockedException">A writer has the store open.</exception>
    /// <exception cref="EmbeddingModelMismatchException"><paramref name="model"/> is not the model of the store's record or vectors.</exception>
    public static async Task<FileVectorStoreRepairResult> RepairAsync(
        FileVectorStoreOptions options,
        EmbeddingModelIdentity? model = null,
        ILogger<FileVectorStore>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        var path = System.IO.Path.GetFullPath(options.Path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"RAG store '{path}' does not exist; there is nothing to repair.", path);
        }

        var store = new FileVectorStore(
            new FileVectorStoreOptions { Path = path, UseInt8 = false, RescoreFactor = options.RescoreFactor, FlushToDisk = true, CompactionMinimumBytes = long.MaxValue },
            logger)
        {
            _repairing = true,
        };
        await using (store.ConfigureAwait(false))
        {
            var snapshot = await store.GetSnapshotAsync(cancellationToken).ConfigureAwait(false);
            var scan = store._scan!;
            var final = ResolveModel(path, snapshot, model);
            var restored = snapshot.Model is null && final is not null && snapshot.ChunkCount > 0;
            var dropped = scan.Damage.SelectMany(d => d.DocumentIds).Distinct(StringComparer.Ordinal).ToList();
            if (scan.Damage.Count == 0 && scan.TornTailBytes == 0 && !restored)
            {
                return new FileVectorStoreRepairResult(path, [], 0, [], snapshot.Documents.Count, snapshot.ChunkCount, false, null);
            }

            var backup = path + ".damaged";
            File.Copy(path, backup, overwrite: true);
            await store.RewriteAsync(final, snapshot, ".repair", cancellationToken).ConfigureAwait(false);
            Log.Repaired(store._logger, path, scan.Damage.Count, scan.Damage.Sum(d => d.Length), string.Join(", ", dropped), snapshot.Documents.Count, backup);
            return new FileVectorStoreRepairResult(path, [.. scan.Damage], scan.TornTailBytes, dropped, snapshot.Documents.Count, snapshot.ChunkCount, restored, backup);
        }
    }

    private static EmbeddingModelIdentity? ResolveModel(string path, StoreSnapshot snapshot, EmbeddingModelIdentity? given)
    {
        var context = $"repair of RAG store '{path}'";
        var dimensions = snapshot.Documents.Values.SelectMany(d => d.Records).Select(r => r.Vector.Length).FirstOrDefault();
        if (given is null)
        {
            if (snapshot.Model is null && snapshot.ChunkCount > 0)
            {
                throw new InvalidVectorStoreFileException(
                    path,
                    $"its embedding model record is damaged while {snapshot.ChunkCount} chunks of {dimensions} dimensions are intact; pass the model they were embedded with to FileVectorStore.RepairAsync(options, model)")
                {
                    FilePath = path,
                };
            }

            return snapshot.Model;
        }

        if (snapshot.Model is not null && !snapshot.Model.Equals(given))
        {
            throw new EmbeddingModelMismatchException(snapshot.Model, given, context);
        }

        if (dimensions != 0 && dimensions != given.Dimensions)
        {
            throw new EmbeddingModelMismatchException(given with { Dimensions = dimensions }, given, context);
        }

        return given;
    }
}
