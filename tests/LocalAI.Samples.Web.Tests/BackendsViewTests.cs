using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalAI.Samples.Web.Tests;

public sealed class BackendsViewTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>
{
    private WebConsoleHost Host => fixture.Host;

    [Fact]
    public async Task EveryBackendsCard_ShowsItsTrueStatus()
    {
        var page = await Host.OpenAsync("backends");
        var truth = await Host.Manager.GetAllStatusAsync();

        await Expect(page.Locator(".card")).ToHaveCountAsync(truth.Count);
        foreach (var status in truth)
        {
            var card = page.Locator($".card[data-backend='{status.BackendId}']");
            await Expect(card).ToHaveAttributeAsync("data-available", status.IsAvailable ? "true" : "false");
            await Expect(card.Locator(".state")).ToHaveTextAsync(status.IsAvailable ? "available" : "unavailable");
            await Expect(card.Locator(".circuit")).ToHaveTextAsync("closed");
            if (status.IsAvailable)
            {
                await Expect(card.Locator(".reason")).ToHaveCountAsync(0);
            }
            else
            {
                await Expect(card.Locator(".reason")).ToHaveTextAsync(status.Reason!);
            }

            if (status.Version is not null)
            {
                await Expect(card.Locator(".version")).ToHaveTextAsync(status.Version);
            }
        }

        // Four real backends: llama.cpp in-process, the Ollama protocol over HTTP, ONNX Runtime, and MLX, which needs Apple Silicon.
        await Expect(page.Locator(".card[data-backend='gguf'] [data-active='chat']")).ToBeVisibleAsync();
        await Expect(page.Locator(".card[data-backend='ollama'] .version")).ToHaveTextAsync(LocalAI.Ollama.TestServer.OllamaTestServer.Version);
        await Expect(page.Locator(".card[data-backend='mlx']")).ToHaveAttributeAsync("data-available", "false");
        await Expect(page.Locator("#backends-connection")).ToHaveTextAsync("connected");
        await Expect(page.Locator("#active-summary")).ToContainTextAsync("Chat: gguf");

        await Screenshots.SaveAsync(page, "backends-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Expect(page.Locator(".card[data-backend='mlx']")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "backends-390");
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the backends view is wider than a 390 px screen");
    }

    [Fact]
    public async Task StoppingTheSecondBackendsServer_FlipsItsCardToUnavailable_WithoutAReload()
    {
        await using var host = await WebConsoleHost.StartAsync();
        var page = await host.OpenAsync("backends");
        var card = page.Locator(".card[data-backend='ollama']");
        await Expect(card).ToHaveAttributeAsync("data-available", "true");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        await host.StopOllamaAsync();

        await Expect(card).ToHaveAttributeAsync("data-available", "false");
        await Expect(card.Locator(".state")).ToHaveTextAsync("unavailable");
        await Expect(card.Locator(".reason")).Not.ToBeEmptyAsync();
        await Expect(page.Locator(".card[data-backend='gguf']")).ToHaveAttributeAsync("data-available", "true");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        Assert.False((await host.Manager.GetStatusAsync("ollama")).IsAvailable);
    }

    [Fact]
    public async Task TheBackendsView_IsUsableWithTheKeyboard()
    {
        var page = await Host.OpenAsync("backends");
        await Expect(page.Locator(".card")).Not.ToHaveCountAsync(0);

        // From the top: the skip link, then the views' links in order; Enter on the Models link shows the models view.
        var models = page.GetByRole(AriaRole.Link, new() { Name = "Models" });
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(models).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#view-models")).ToBeVisibleAsync();
        await Expect(models).ToHaveAttributeAsync("aria-current", "page");

        // Focus moves to the view's heading; back through the five links to Backends.
        await Expect(page.Locator("#models-title")).ToBeFocusedAsync();
        for (var i = 0; i < 5; i++)
        {
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Backends" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#view-backends")).ToBeVisibleAsync();

        // Every control of the view has an accessible name.
        foreach (var button in await page.Locator("#view-backends button").AllAsync())
        {
            Assert.False(string.IsNullOrWhiteSpace(await button.TextContentAsync()), "a button without a name");
        }
    }
}
