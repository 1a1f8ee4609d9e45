using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalAI.Samples.Web.Tests;

/// <summary>
/// A live council in the browser. Agents: the Ollama protocol test server's two chat models, whose structured outputs
/// conform to the council's review schema (as Ollama's do), and the tiny GGUF model in llama.cpp, whose random weights
/// write reviews the council has to exclude; the chairman is on Ollama, so its answer streams token by token.
/// </summary>
public sealed class CouncilViewTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>
{
    private WebConsoleHost Host => fixture.Host;

    [Fact]
    public async Task AThreeAgentCouncil_Completes_WithTheScoreTable_TheRanking_AndTheChartFilled()
    {
        var page = await Host.OpenAsync("council");
        await page.GetByLabel("Question", new() { Exact = true }).FillAsync("Name one primary colour.");
        await Member(page, "Agent 1", "ollama", "llama3.2:latest");
        await Member(page, "Agent 2", "ollama", "llava:7b");
        await Member(page, "Agent 3", "gguf", null);
        await Member(page, "Chairman", "ollama", "llama3.2:latest");
        await page.GetByLabel("Max tokens per answer").FillAsync("16");

        await page.GetByRole(AriaRole.Button, new() { Name = "Ask the council" }).ClickAsync();

        var output = page.Locator("#council-output");
        await Expect(output).ToHaveAttributeAsync("data-state", "done", new() { Timeout = 60_000 });
        await Expect(page.Locator(".opinions li[data-state='done']")).ToHaveCountAsync(3);

        // The score table: one row per reviewer, one column per answer; each valid reviewer scored the two other answers.
        var rows = page.Locator("#council-scores tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        foreach (var reviewer in new[] { "agent_1", "agent_2" })
        {
            var row = page.Locator($"#council-scores tr[data-reviewer='{reviewer}']");
            await Expect(row.Locator($"td[data-answer='{reviewer}']")).ToHaveTextAsync("own");
            foreach (var cell in await row.Locator("td").AllAsync())
            {
                if (await cell.GetAttributeAsync("data-answer") != reviewer)
                {
                    await Expect(cell).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^([1-9]|10)$"));
                }
            }
        }

        await Expect(page.Locator("#council-ranking li")).ToHaveCountAsync(3);
        await Expect(page.Locator("#council-answer")).ToHaveAttributeAsync("data-state", "done");
        await Expect(page.Locator("#council-answer")).ToContainTextAsync("You said:");

        // The chart: tokens and latency for every stage and model that ran.
        var series = await page.Locator("#council-chart .chart-row[data-series]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.series)");
        Assert.Contains("opinions · llama3.2:latest", series);
        Assert.Contains("opinions · llava:7b", series);
        Assert.Contains(series, s => s.StartsWith("review · ", StringComparison.Ordinal));
        Assert.Contains("synthesis · llama3.2:latest", series);
        var tokens = await page.Locator("#council-chart .bar.tokens .value").AllTextContentsAsync();
        Assert.All(tokens, t => Assert.Matches("^[1-9][0-9]* tokens$", t));

        await Screenshots.SaveAsync(page, "council-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Screenshots.SaveAsync(page, "council-390");
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "the council view is wider than a 390 px screen");

        // The review requests reached the Ollama server with the council's JSON schema as the format.
        var reviewRequests = Host.Ollama.RequestsTo("/api/chat").Where(r => r.Body?["format"] is System.Text.Json.Nodes.JsonObject).ToList();
        Assert.Equal(2, reviewRequests.Count);
        Assert.All(reviewRequests, r => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(r.Body!["format"]!.ToJsonString()).RootElement.ValueKind));
    }

    private static async Task Member(IPage page, string title, string backend, string? model)
    {
        await page.GetByLabel($"{title} backend").SelectOptionAsync(backend);
        if (model is not null)
        {
            await page.GetByLabel($"{title} model").FillAsync(model);
        }
    }
}
