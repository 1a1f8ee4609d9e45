using System.Security.Cryptography;

namespace LocalAI.Gguf;

/// <summary>
/// Verifies untrusted model files in a child process before the app's own process opens them, and remembers each verdict by the
/// file's content hash (and the llama.cpp version) in a cache folder, so each file costs one child run.
/// </summary>
internal sealed class ModelFileVerifier
{
    private const string OkSuffix = ".ok";
    private const string InvalidSuffix = ".invalid";
    private readonly VerifierChild _child;
    private readonly string _cacheDirectory;

    /// <summary>Initializes a new instance of the <see cref="ModelFileVerifier"/> class.</summary>
    /// <param name="options">The backend options: verifier path, cache folder, timeout, threads, native library folder.</param>
    public ModelFileVerifier(GgufBackendOptions options)
    {
        _child = new VerifierChild(options.VerifierPath, options.NativeLibraryPath, options.Threads, options.VerificationTimeout);
        _cacheDirectory = options.VerificationCacheDirectory ?? DefaultCacheDirectory;
    }

    /// <summary>Gets the cache folder used when the options name none: <c>LocalAI/gguf-verified</c> under the user's local application data (or the temp folder).</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "LocalAI", "gguf-verified");
        }
    }

    /// <summary>Checks a file in managed code, then (once per content) in the child process.</summary>
    /// <param name="path">The full path of the model file.</param>
    /// <param name="cancellationToken">Stops hashing and kills the child.</param>
    /// <returns>A task that completes when the file is known to load.</returns>
    /// <exception cref="InvalidModelFileException">The managed reader refuses the file, or the child refused it or died on it.</exception>
    /// <exception cref="BackendUnavailableException">The verifier app is missing or cannot start.</exception>
    public async Task VerifyAsync(string path, CancellationToken cancellationToken)
    {
        var file = GgufFile.Read(path);
        var key = await CacheKeyAsync(file.Path, cancellationToken).ConfigureAwait(false);
        var ok = Path.Combine(_cacheDirectory, key + OkSuffix);
        var invalid = Path.Combine(_cacheDirectory, key + InvalidSuffix);
        if (File.Exists(ok))
        {
            return;
        }

        if (File.Exists(invalid))
        {
            throw new InvalidModelFileException(file.Path, await File.ReadAllTextAsync(invalid, cancellationToken).ConfigureAwait(false), null);
        }

        // Two loads of files with the same content may both run the child; the verdicts are the same, and written atomically.
        var verdict = (await _child.VerifyAsync([file.Path], cancellationToken).ConfigureAwait(false))[0];
        Directory.CreateDirectory(_cacheDirectory);
        var target = verdict is null ? ok : invalid;
        var temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temp, verdict ?? string.Empty, cancellationToken).ConfigureAwait(false);
        File.Move(temp, target, overwrite: true);
        if (verdict is not null)
        {
            throw new InvalidModelFileException(file.Path, verdict, null);
        }
    }

    /// <summary>Verifies files in child processes without the cache (the fuzz tests, and tools that vet a folder).</summary>
    /// <param name="paths">The files.</param>
    /// <param name="cancellationToken">Kills the running child and stops.</param>
    /// <returns>One verdict per file: <see langword="null"/> when it loads, else why not.</returns>
    public Task<string?[]> VerifyUncachedAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => _child.VerifyAsync(paths, cancellationToken);

    private static async Task<string> CacheKeyAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(hash) + "-llama-" + (LlamaLibrary.Version ?? "unknown");
        }
    }
}
