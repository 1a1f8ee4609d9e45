using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalAI.Samples.Web.Tests;

/// <summary>The RAG view and the chat's RAG toggle over the real all-MiniLM-L6-v2 (ONNX) and the host's embedded vector store.</summary>
public sealed class RagViewTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>
{
    private const string Tides = "Tides are the rise and fall of sea levels caused by the gravitational pull of the Moon and the Sun on the oceans. Spring tides happen at new and full moon.";
    private const string Volcanoes = "A volcano is a rupture in the crust of a planet where hot lava, volcanic ash and gases escape from a magma chamber below the surface.";
    private const string Bread = "# Baking bread\n\nKnead the dough of flour, water, salt and yeast, let it rise until doubled, then bake it in a hot oven until the crust is brown.";

    private WebConsoleHost Host => fixture.Host;

    [Fact]
    public async Task IndexingFiles_ReachesOneHundredPercent_ThenSearching_ShowsTheRightSourceFirst_InEveryMode()
    {
        var page = await Host.OpenAsync("rag");
        await page.GetByLabel("Files").SetInputFilesAsync(
        [
            File("tides.txt", Tides),
            File("volcanoes.txt", Volcanoes),
            File("bread.md", Bread),
        ]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Index" }).ClickAsync();

        await Expect(page.Locator("#rag-index-form")).ToHaveAttributeAsync("data-state", "done");
        await Expect(page.GetByRole(AriaRole.Progressbar, new() { Name = "Indexing progress" })).ToHaveJSPropertyAsync("value", 100);
        await Expect(page.Locator("#rag-percent")).ToHaveTextAsync("100%");
        await Expect(page.Locator("#rag-index-status")).ToContainTextAsync("Indexed 3 documents");

        var results = page.Locator("#rag-results > li");
        foreach (var (mode, label) in new[] { ("vector", "Vector (cosine)"), ("bm25", "BM25 (keywords)"), ("hybrid", "Hybrid") })
        {
            await page.GetByLabel("Query", new() { Exact = true }).FillAsync("Why does the Moon pull the sea up and down?");
            await page.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = label });
            await page.GetByLabel("Top k").FillAsync("3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

            await Expect(page.Locator("#rag-search-status")).ToContainTextAsync($"({mode}), best first");
            await Expect(results.First).ToHaveAttributeAsync("data-source", "tides.txt");
            await Expect(results.First.Locator(".passage")).ToContainTextAsync("gravitational pull");
            await Expect(results.First.Locator(".score")).ToContainTextAsync("score ");
            Assert.InRange(await results.CountAsync(), 1, 3);
        }

        // Keyboard only: the query's Enter submits the form.
        await page.GetByLabel("Mode", new() { Exact = true }).SelectOptionAsync("vector");
        await page.GetByLabel("Query", new() { Exact = true }).FillAsync("molten rock erupting from a mountain");
        await page.GetByLabel("Query", new() { Exact = true }).PressAsync("Enter");
        await Expect(results.First).ToHaveAttributeAsync("data-source", "volcanoes.txt");

        await Screenshots.SaveAsync(page, "rag-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Expect(results.First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "rag-390");
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "the RAG view is wider than a 390 px screen");
    }

    [Fact]
    public async Task PastedText_IsIndexed_AndAMinimumSimilarityAboveEveryHit_ShowsNoResult()
    {
        var page = await Host.OpenAsync("rag");
        await page.GetByLabel("Document id").FillAsync("castles.txt");
        await page.GetByLabel("Text", new() { Exact = true }).FillAsync("Medieval castles had thick stone walls, towers, a moat and a drawbridge to keep attackers out.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Index" }).ClickAsync();
        await Expect(page.Locator("#rag-index-form")).ToHaveAttributeAsync("data-state", "done");
        await Expect(page.Locator("#rag-percent")).ToHaveTextAsync("100%");

        await page.GetByLabel("Query", new() { Exact = true }).FillAsync("a fortress with a moat");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#rag-results > li").First).ToHaveAttributeAsync("data-source", "castles.txt");

        await page.GetByLabel("Minimum similarity").FillAsync("0.99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#rag-search-status")).ToHaveTextAsync("No passage matched.");
        await Expect(page.Locator("#rag-results > li")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnEmptyQuery_OrNothingToIndex_ShowsAClearError()
    {
        var page = await Host.OpenAsync("rag");

        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.Locator("#rag-search-form")).ToHaveAttributeAsync("data-state", "error");
        await Expect(page.Locator("#rag-search-status")).ToHaveTextAsync("Search failed: The field 'query' is required: the text to search for.");
        await Expect(page.Locator("#rag-search-status")).ToHaveClassAsync("hint error");
        await Expect(page.GetByLabel("Query", new() { Exact = true })).ToBeFocusedAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Index" }).ClickAsync();
        await Expect(page.Locator("#rag-index-form")).ToHaveAttributeAsync("data-state", "error");
        await Expect(page.Locator("#rag-index-status")).ToHaveTextAsync("Choose one or more files, or paste a text, to index.");
    }

    [Fact]
    public async Task ChatWithRag_ShowsCitations_ThatOpenTheirPassage()
    {
        await Host.Manager.SwitchBackendAsync("gguf");
        using (var http = new HttpClient { BaseAddress = Host.Address })
        {
            using var indexed = await http.PostAsJsonAsync("api/rag/documents", new JsonObject
            {
                ["documents"] = new JsonArray(
                    new JsonObject { ["id"] = "glaciers.txt", ["text"] = "Glaciers carve U-shaped valleys: the moving ice plucks and grinds the bedrock beneath it as it flows downhill." },
                    new JsonObject { ["id"] = "chess.txt", ["text"] = "In chess, castling moves the king two squares towards a rook, which jumps over to the other side of the king." }),
            });
            indexed.EnsureSuccessStatusCode();
        }

        var page = await Host.OpenAsync("chat");
        await page.GetByLabel("Answer with RAG (citations)").CheckAsync();
        await page.GetByLabel("Max tokens").FillAsync("8");
        await page.GetByLabel("Message").FillAsync("How do glaciers carve valleys?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var answer = page.Locator("#chat-log li.answer").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "done");
        var first = answer.GetByRole(AriaRole.List, new() { Name = "Citations" }).GetByRole(AriaRole.Link).First;
        await Expect(first).ToHaveTextAsync("[1] glaciers.txt");
        var passage = answer.Locator(".passages details").First;
        await Expect(passage.Locator(".passage")).Not.ToBeVisibleAsync();

        await first.ClickAsync();

        await Expect(passage).ToHaveJSPropertyAsync("open", true);
        await Expect(passage.Locator(".passage")).ToBeVisibleAsync();
        await Expect(passage.Locator(".passage")).ToContainTextAsync("U-shaped valleys");
        await Expect(passage.Locator("summary")).ToContainTextAsync("[1] glaciers.txt");
        await Expect(passage.Locator("summary")).ToBeFocusedAsync();
        Assert.EndsWith("#chat", page.Url, StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "chat-rag-1280");
    }

    private static FilePayload File(string name, string text) => new()
    {
        Name = name,
        MimeType = name.EndsWith(".md", StringComparison.Ordinal) ? "text/markdown" : "text/plain",
        Buffer = Encoding.UTF8.GetBytes(text),
    };
}
