namespace LocalAI.Abstractions.Tests;

public sealed class ModelCatalogTests
{
    [Fact]
    public void The_built_in_catalog_seeds_every_backend_kind_with_the_recommended_models()
    {
        Assert.Equal(["all-minilm:l6-v2", "paraphrase-multilingual", "qwen2.5:0.5b", "llama3.2:1b", "gemma2:2b", "phi3.5", "tinyllama"], Ids("ollama"));
        Assert.Equal(["mlx-community/all-MiniLM-L6-v2-4bit", "mlx-community/Llama-3.2-3B-Instruct-4bit", "mlx-community/pixtral-12b-4bit"], Ids("mlx"));
        Assert.Equal(["qwen2.5:0.5b", "llama3.2:1b", "gemma2:2b", "phi3.5:mini", "tinyllama"], Ids("gguf"));
        Assert.Equal(["all-MiniLM-L6-v2", "all-mpnet-base-v2"], Ids("onnx"));
        Assert.All(ModelCatalog.Create("gguf").Entries, e => Assert.True(e.Repository is { Length: > 0 } && e.Files.Single().Path.EndsWith(".gguf", StringComparison.Ordinal)));
        Assert.Equal("chairman", ModelCatalog.Create("gguf").Find("PHI3.5:MINI")!.Role);
        Assert.Equal(768, ModelCatalog.Create("onnx").Find("all-mpnet-base-v2")!.EmbeddingDimensions);
    }

    [Fact]
    public void The_only_pinned_checksum_is_the_one_that_could_be_checked_against_a_real_file()
    {
        var pinned = ModelCatalog.BuiltIn.SelectMany(e => e.Files.Where(f => f.Sha256 is not null).Select(f => (e.Id, f.Path, f.Sha256))).ToList();

        Assert.Equal([("all-MiniLM-L6-v2", "model.onnx", "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2")], pinned);
    }

    [Fact]
    public void Configured_entries_are_added_replace_built_in_ones_by_id_and_other_kinds_are_ignored()
    {
        var options = new ModelCatalogOptions
        {
            Entries =
            {
                new ModelCatalogEntry { Id = "TinyLlama", Description = "mine", Repository = "me/tiny", Files = { new ModelCatalogFile { Path = "t.gguf" } } },
                new ModelCatalogEntry { Id = "extra", Backend = "gguf" },
                new ModelCatalogEntry { Id = "elsewhere", Backend = "ollama" },
            },
        };

        var catalog = ModelCatalog.Create("gguf", options);

        Assert.Equal(["qwen2.5:0.5b", "llama3.2:1b", "gemma2:2b", "phi3.5:mini", "tinyllama", "extra"], catalog.Entries.Select(e => e.Id.ToLowerInvariant() == "tinyllama" ? "tinyllama" : e.Id));
        Assert.Equal("mine", catalog.Find("tinyllama")!.Description);
        Assert.Null(catalog.Find("elsewhere"));
    }

    [Fact]
    public void ReplaceBuiltIn_and_a_catalog_file_replace_the_built_in_entries()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "models": [ { "id": "from-file", "embeddingDimensions": 8, "tags": ["a"] } ] }""");

            var catalog = ModelCatalog.Create("onnx", new ModelCatalogOptions { ReplaceBuiltIn = true, Path = path });

            var entry = Assert.Single(catalog.Entries);
            Assert.Equal("from-file", entry.Id);
            Assert.Equal(BackendCapabilities.Embeddings, entry.Capabilities);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Bad_catalog_input_is_a_clear_exception()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not json");

            Assert.Throws<ArgumentException>(() => ModelCatalog.Create("gguf", new ModelCatalogOptions { Entries = { new ModelCatalogEntry() } }));
            var error = Assert.Throws<InvalidModelFileException>(() => ModelCatalog.Create("gguf", new ModelCatalogOptions { Path = path }));
            Assert.Contains("model catalog", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_entry_describes_itself_as_a_model_that_is_not_installed()
    {
        var entry = ModelCatalog.Create("onnx").Find("all-MiniLM-L6-v2")!;

        var info = entry.ToModelInfo("onnx", isInstalled: false);

        Assert.False(info.IsInstalled);
        Assert.False(info.IsLoaded);
        Assert.Equal(384, info.EmbeddingDimensions);
        Assert.Equal(90_893_304, info.SizeBytes);
        Assert.Equal(BackendCapabilities.Embeddings, info.Capabilities);
        Assert.Contains("english", info.Tags);
        Assert.Equal("embeddings", info.Role);
    }

    private static IEnumerable<string> Ids(string kind) => ModelCatalog.Create(kind).Entries.Select(e => e.Id);
}
