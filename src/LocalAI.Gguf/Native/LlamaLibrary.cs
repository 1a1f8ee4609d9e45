using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace LocalAI.Gguf;

/// <summary>Finds, loads and checks the llama.cpp libraries once per process.</summary>
/// <remarks>
/// The folder is, in order: the folder given in the options, the <c>LOCALAI_GGUF_NATIVE_PATH</c> environment variable,
/// the app's <c>runtimes/&lt;rid&gt;/native</c>, the app's own folder. The CPU backends (<c>libggml-cpu-*.so</c>) are loaded
/// from the same folder so ggml picks the best variant for the processor. A library that reports another version, or whose
/// structs do not have the layout this package mirrors, is refused with <see cref="BackendUnavailableException"/>.
/// </remarks>
internal static unsafe class LlamaLibrary
{
    /// <summary>The environment variable that names the folder holding the native libraries.</summary>
    public const string PathVariable = "LOCALAI_GGUF_NATIVE_PATH";

    /// <summary>The llama.cpp version this package's structs mirror (what <c>llama_version()</c> reports, up to a suffix).</summary>
    public const string ExpectedVersion = "0.5.0";

    private static readonly Lock Gate = new();
    private static string? _loadedFrom;
    private static readonly Dictionary<string, string> Resolved = new(StringComparer.Ordinal);
    private static bool _resolverSet;
    private static string? _version;
    private static Action<int, string>? _logSink;

    [ThreadStatic]
    private static StringBuilder? _errorLines;

    /// <summary>Gets the version the loaded library reports, once loaded.</summary>
    public static string? Version => _version;

    /// <summary>Gets the folder the libraries were loaded from, once loaded.</summary>
    public static string? LoadedFrom => _loadedFrom;

    /// <summary>Sets where native log lines go (level, text); process-wide, since llama.cpp has one log callback.</summary>
    /// <param name="sink">The sink; <see langword="null"/> drops them.</param>
    public static void SetLogSink(Action<int, string>? sink) => _logSink = sink;

    /// <summary>Loads and checks the libraries, once; later calls return at once (a failed attempt is retried).</summary>
    /// <param name="configuredPath">The folder from the options, or <see langword="null"/>.</param>
    /// <exception cref="BackendUnavailableException">The libraries are missing, of another version, or unusable.</exception>
    public static void EnsureLoaded(string? configuredPath)
    {
        lock (Gate)
        {
            if (_loadedFrom is not null)
            {
                return;
            }

            Load(configuredPath);
        }
    }

    /// <summary>Tells whether a version reported by <c>llama_version()</c> is the one this package mirrors (<c>0.5.0</c>, with or without a <c>-suffix</c>).</summary>
    /// <param name="reported">The reported version.</param>
    /// <returns>Whether it is supported.</returns>
    public static bool IsSupportedVersion(string reported) =>
        reported.StartsWith(ExpectedVersion, StringComparison.Ordinal) &&
        (reported.Length == ExpectedVersion.Length || reported[ExpectedVersion.Length] == '-');

    /// <summary>Starts collecting native error lines on this thread (native loading reports its reasons through the log).</summary>
    public static void BeginCapture() => (_errorLines ??= new StringBuilder()).Clear();

    /// <summary>Returns the native error lines collected on this thread since <see cref="BeginCapture"/>.</summary>
    /// <returns>The lines, or an empty string.</returns>
    public static string EndCapture()
    {
        var text = _errorLines?.ToString().Trim() ?? string.Empty;
        _errorLines?.Clear();
        return text;
    }

    private static void Load(string? configuredPath)
    {
        var folder = FindFolder(configuredPath);
        var llamaFile = FindLibrary(folder, "libllama");
        var ggmlFile = FindLibrary(folder, "libggml");
        if (llamaFile is null || ggmlFile is null)
        {
            throw new BackendUnavailableException(
                $"The llama.cpp libraries (libllama, libggml) were not found in '{folder}'. Run scripts/setup.d/20-llama-native.sh, " +
                $"reference the LocalAI.Gguf package (it carries runtimes/linux-x64/native), or set GgufBackendOptions.NativeLibraryPath or {PathVariable}.");
        }

        nint llama;
        try
        {
            NativeLibrary.Load(ggmlFile);
            llama = NativeLibrary.Load(llamaFile);
        }
        catch (DllNotFoundException ex)
        {
            throw new BackendUnavailableException($"The llama.cpp library '{llamaFile}' could not be loaded: {ex.Message}", ex);
        }

        Resolved[LlamaApi.Llama] = llamaFile;
        Resolved[LlamaApi.Ggml] = ggmlFile;
        if (!_resolverSet)
        {
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, (name, _, _) =>
                Resolved.TryGetValue(name, out var file) ? NativeLibrary.Load(file) : 0);
            _resolverSet = true;
        }

        if (!NativeLibrary.TryGetExport(llama, "llama_version", out _))
        {
            throw new BackendUnavailableException(
                $"The library '{llamaFile}' does not export llama_version; it is an older llama.cpp than the {ExpectedVersion} this package is built for. Use the libraries of node-llama-cpp 3.22.1.");
        }

        var reported = LlamaApi.ReadString(LlamaApi.llama_version()) ?? string.Empty;
        if (!IsSupportedVersion(reported))
        {
            throw new BackendUnavailableException(
                $"The llama.cpp library '{llamaFile}' reports version '{reported}', but LocalAI.Gguf mirrors the structs of llama.cpp {ExpectedVersion} and would corrupt memory with another. " +
                "Use the libraries of node-llama-cpp 3.22.1 (scripts/setup.d/20-llama-native.sh) or the LocalAI.Gguf version built for yours.");
        }

        CheckLayout();

        LlamaApi.llama_log_set(&OnLog, null);
        LlamaApi.ggml_log_set(&OnLog, null);

        var folderBytes = Encoding.UTF8.GetBytes(folder + "\0");
        fixed (byte* p = folderBytes)
        {
            LlamaApi.ggml_backend_load_all_from_path(p);
        }

        if (LlamaApi.ggml_backend_dev_count() == 0)
        {
            throw new BackendUnavailableException(
                $"No ggml compute backend could be loaded from '{folder}' (expected libggml-cpu-*.so there, one of which must suit this processor).");
        }

        LlamaApi.llama_backend_init();
        _version = reported;
        _loadedFrom = folder;
    }

    private static string FindFolder(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return Path.GetFullPath(configuredPath);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        var baseDirectory = AppContext.BaseDirectory;
        var runtimes = Path.Combine(baseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native");
        if (Directory.Exists(runtimes))
        {
            return runtimes;
        }

        var portable = Path.Combine(baseDirectory, "runtimes", PortableRid(), "native");
        return Directory.Exists(portable) ? portable : baseDirectory;
    }

    private static string PortableRid()
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return os + "-" + arch;
    }

    private static string? FindLibrary(string folder, string stem)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var exact = Path.Combine(folder, stem + ".so");
        if (File.Exists(exact))
        {
            return exact;
        }

        // Versioned names such as libllama.v0.5.0.so; not libllama-common.so or libggml-base.so.
        return Directory.EnumerateFiles(folder, stem + ".*.so").Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Checks that the mirrored structs have the sizes and offsets of the C header, and that the library's defaults read sensibly through them.</summary>
    private static void CheckLayout()
    {
        var model = default(LlamaModelParams);
        var context = default(LlamaContextParams);
        var batch = default(LlamaBatch);
        var problems = new List<string>();
        Expect(problems, "sizeof(llama_model_params)", sizeof(LlamaModelParams), 80);
        Expect(problems, "llama_model_params.kv_overrides", Offset(&model, &model.KvOverrides), 64);
        Expect(problems, "llama_model_params.vocab_only", Offset(&model, &model.VocabOnly), 72);
        Expect(problems, "llama_model_params.load_mtp", Offset(&model, &model.LoadMtp), 77);
        Expect(problems, "sizeof(llama_context_params)", sizeof(LlamaContextParams), 160);
        Expect(problems, "llama_context_params.rope_freq_base", Offset(&context, &context.RopeFreqBase), 56);
        Expect(problems, "llama_context_params.cb_eval", Offset(&context, &context.CbEval), 88);
        Expect(problems, "llama_context_params.embeddings", Offset(&context, &context.Embeddings), 128);
        Expect(problems, "llama_context_params.kv_unified", Offset(&context, &context.KvUnified), 133);
        Expect(problems, "llama_context_params.samplers", Offset(&context, &context.Samplers), 136);
        Expect(problems, "llama_context_params.ctx_other", Offset(&context, &context.CtxOther), 152);
        Expect(problems, "sizeof(llama_batch)", sizeof(LlamaBatch), 56);
        Expect(problems, "llama_batch.logits", Offset(&batch, &batch.Logits), 48);
        Expect(problems, "sizeof(llama_chat_message)", sizeof(LlamaChatMessage), 16);
        Expect(problems, "sizeof(llama_token_data)", sizeof(LlamaTokenData), 12);
        var candidates = default(LlamaTokenDataArray);
        Expect(problems, "llama_token_data_array.sorted", Offset(&candidates, &candidates.Sorted), 24);
        Expect(problems, "sizeof(llama_token_data_array)", sizeof(LlamaTokenDataArray), 32);

        // The defaults the library hands back must read as llama.cpp documents them; garbage here means another layout.
        var defaults = LlamaApi.llama_context_default_params();
        if (defaults.NSeqMax != 1 || defaults.NBatch == 0 || defaults.NUbatch == 0 || defaults.NUbatch > defaults.NBatch || defaults.Samplers != 0 || defaults.CtxOther != 0)
        {
            problems.Add($"llama_context_default_params() reads as n_batch={defaults.NBatch}, n_ubatch={defaults.NUbatch}, n_seq_max={defaults.NSeqMax}");
        }

        var modelDefaults = LlamaApi.llama_model_default_params();
        if (modelDefaults.VocabOnly || modelDefaults.NoAlloc || modelDefaults.KvOverrides != 0 || modelDefaults.Devices != 0)
        {
            problems.Add("llama_model_default_params() reads with unexpected flags");
        }

        if (problems.Count > 0)
        {
            throw new BackendUnavailableException(
                $"The llama.cpp library's structs do not match the layout LocalAI.Gguf mirrors ({string.Join("; ", problems)}). Use the libraries of node-llama-cpp 3.22.1.");
        }
    }

    private static int Offset<T>(T* value, void* field)
        where T : unmanaged => (int)((byte*)field - (byte*)value);

    private static void Expect(List<string> problems, string what, int actual, int expected)
    {
        if (actual != expected)
        {
            problems.Add($"{what} is {actual}, expected {expected}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(int level, byte* text, void* userData)
    {
        var line = LlamaApi.ReadString(text);
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        if (level == 4)
        {
            _errorLines?.Append(line);
        }

        try
        {
            _logSink?.Invoke(level, line);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failing sink must never unwind into native code.
        }
    }
}
