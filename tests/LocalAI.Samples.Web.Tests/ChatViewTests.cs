using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalAI.Samples.Web.Tests;

public sealed class ChatViewTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>
{
    private WebConsoleHost Host => fixture.Host;

    [Fact]
    public async Task AnAnswer_Streams_AndShowsItsBackend_TimeToFirstToken_AndUsage()
    {
        await Host.Manager.SwitchBackendAsync("gguf");
        var page = await Host.OpenAsync("chat");
        await page.EvaluateAsync("""
            () => {
              window.textUpdates = 0;
              new MutationObserver(records => { window.textUpdates += records.length; })
                .observe(document.getElementById('chat-log'), { childList: true, subtree: true, characterData: true });
            }
            """);

        await page.GetByLabel("Message").FillAsync("Hello there");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var answer = page.Locator("#chat-log li.answer").Last;
        await Expect(answer).ToHaveAttributeAsync("data-state", "done");
        await Expect(answer).ToHaveAttributeAsync("data-backend", "gguf");
        await Expect(answer.Locator(".meta")).ToContainTextAsync("first token");
        await Expect(answer.Locator(".meta")).ToContainTextAsync("completion tokens");
        Assert.True(int.Parse(await answer.GetAttributeAsync("data-updates") ?? "0", System.Globalization.CultureInfo.InvariantCulture) > 1, "the answer arrived in one piece");
        Assert.True(await page.EvaluateAsync<int>("() => window.textUpdates") > 2, "the log changed only once");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeDisabledAsync();

        await Screenshots.SaveAsync(page, "chat-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Expect(answer).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "chat-390");
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "the chat view is wider than a 390 px screen");
    }

    [Fact]
    public async Task Stop_CancelsTheGeneration_OnTheBackend()
    {
        await Host.Manager.SwitchBackendAsync("ollama");
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Ollama.Faults.BeforeToken = async (index, ct) =>
        {
            if (index == 3)
            {
                using var registration = ct.Register(() => aborted.TrySetResult());
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        try
        {
            var page = await Host.OpenAsync("chat");
            await page.GetByLabel("Message").FillAsync("one two three four five");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

            // Three tokens are on the page while the server holds the fourth: the answer is streaming, not done.
            var answer = page.Locator("#chat-log li.answer").Last;
            await Expect(answer.Locator(".text")).ToHaveTextAsync("You said: one ");
            await Expect(answer).ToHaveAttributeAsync("data-state", "streaming");
            await Expect(answer).ToHaveAttributeAsync("data-updates", "3");

            await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

            await Expect(answer).ToHaveAttributeAsync("data-state", "stopped");
            await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeEnabledAsync();
            await Expect(answer.Locator(".text")).ToHaveTextAsync("You said: one ");
        }
        finally
        {
            Host.Ollama.Faults.BeforeToken = null;
            await Host.Manager.SwitchBackendAsync("gguf");
        }
    }

    [Fact]
    public async Task SwitchingThePreferredBackend_ChangesTheBackendNamedOnTheNextAnswer()
    {
        await Host.Manager.SwitchBackendAsync("gguf");
        try
        {
            var page = await Host.OpenAsync("chat");
            await AskAsync(page, "first question");
            await Expect(page.Locator("#chat-log li.answer").Last).ToHaveAttributeAsync("data-backend", "gguf");

            await page.GetByRole(AriaRole.Link, new() { Name = "Backends" }).ClickAsync();
            var ollama = page.Locator(".card[data-backend='ollama']");
            await ollama.GetByRole(AriaRole.Button, new() { Name = "Make preferred" }).ClickAsync();
            await Expect(ollama.Locator("[data-preferred]")).ToBeVisibleAsync();
            await Expect(ollama.Locator("[data-active='chat']")).ToBeVisibleAsync();
            await Expect(page.Locator("#active-summary")).ToContainTextAsync("Chat: ollama");

            await page.GetByRole(AriaRole.Link, new() { Name = "Chat" }).ClickAsync();
            await AskAsync(page, "second question");
            var answer = page.Locator("#chat-log li.answer").Last;
            await Expect(answer).ToHaveAttributeAsync("data-backend", "ollama");
            await Expect(answer.Locator(".text")).ToHaveTextAsync("You said: second question");
            Assert.Equal("ollama", Host.Manager.PreferredBackendId);
        }
        finally
        {
            await Host.Manager.SwitchBackendAsync("gguf");
        }
    }

    private static async Task AskAsync(IPage page, string question)
    {
        var before = await page.Locator("#chat-log li.answer").CountAsync();
        await page.GetByLabel("Message").FillAsync(question);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.Locator("#chat-log li.answer")).ToHaveCountAsync(before + 1);
        await Expect(page.Locator("#chat-log li.answer").Last).ToHaveAttributeAsync("data-state", "done");
    }
}
