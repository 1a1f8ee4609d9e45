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

    [Fact]
    public void Complete_adds_the_catalogs_words_to_listed_models_and_lists_the_other_entries_as_not_installed()
    {
        var catalog = ModelCatalog.Create("test", new ModelCatalogOptions
        {
            ReplaceBuiltIn = true,
            Entries =
            {
                new ModelCatalogEntry { Id = "Listed", Description = "from the catalog", Tags = { "small" }, Role = "review", ContextLength = 99 },
                new ModelCatalogEntry { Id = "own-words", Description = "from the catalog", Tags = { "catalog" }, Role = "chairman" },
                new ModelCatalogEntry { Id = "absent", Description = "not here", Role = "backup", EmbeddingDimensions = 8, SizeBytes = 1234 },
            },
        });
        LocalModelInfo[] listed =
        [
            new("listed", "b") { ContextLength = 7, IsLoaded = true },
            new("own-words", "b") { Description = "the backend's own", Tags = ["mine"], Role = "opinions" },
            new("unknown", "b"),
        ];

        var models = catalog.Complete("b", listed);

        Assert.Equal(["listed", "own-words", "unknown", "absent"], models.Select(m => m.Id));
        Assert.Equal(("from the catalog", "small", "review", 7, true, true), (models[0].Description, Assert.Single(models[0].Tags), models[0].Role, models[0].ContextLength, models[0].IsInstalled, models[0].IsLoaded));
        Assert.Equal(("the backend's own", "mine", "opinions"), (models[1].Description, Assert.Single(models[1].Tags), models[1].Role));
        Assert.Equal(listed[2], models[2]);
        Assert.Equal(("b", false, "not here", "backup", 8, 1234L), (models[3].BackendId, models[3].IsInstalled, models[3].Description, models[3].Role, models[3].EmbeddingDimensions, models[3].SizeBytes));
    }

    [Fact]
    public void Complete_matches_by_the_backends_own_rule()
    {
        var catalog = ModelCatalog.Create("test", new ModelCatalogOptions { ReplaceBuiltIn = true, Entries = { new ModelCatalogEntry { Id = "tiny", Role = "backup", Files = { new ModelCatalogFile { Path = "dir/tiny-q4.gguf" } } } } });

        var models = catalog.Complete("b", [new LocalModelInfo("tiny-q4.gguf", "b")], (entry, model) => Path.GetFileName(entry.Files[0].Path) == model.Id);

        Assert.Equal("backup", Assert.Single(models).Role);
        Assert.Equal(2, catalog.Complete("b", [new LocalModelInfo("tiny-q4.gguf", "b")]).Count);
    }

    private static IEnumerable<string> Ids(string kind) => ModelCatalog.Create(kind).Entries.Select(e => e.Id);
}
