using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalAI.Ollama.TestServer;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalAI.Samples.Web.Tests;

public sealed class ModelsViewTests(WebConsoleFixture fixture) : IClassFixture<WebConsoleFixture>
{
    private WebConsoleHost Host => fixture.Host;

    [Fact]
    public async Task Models_AreGroupedByBackend_WithWhatEachBackendKnows()
    {
        var page = await Host.OpenAsync("models");
        foreach (var id in new[] { "gguf", "ollama", "onnx" })
        {
            var group = page.Locator($".model-group[data-backend='{id}']");
            foreach (var model in await Host.Manager.GetBackend(id).ListModelsAsync())
            {
                var row = group.Locator("tr").Filter(new() { Has = page.Locator("th", new() { HasTextRegex = new Regex("^" + Regex.Escape(model.Id) + "$") }) });
                await Expect(row).ToHaveCountAsync(1);
                var cells = row.Locator("td");
                await Expect(cells.Nth(2)).ToHaveTextAsync(model.Quantization ?? "—");
                await Expect(cells.Nth(3)).ToHaveTextAsync(model.ContextLength?.ToString(CultureInfo.InvariantCulture) ?? "—");
                await Expect(cells.Nth(4)).ToHaveTextAsync(model.EmbeddingDimensions?.ToString(CultureInfo.InvariantCulture) ?? "—");
            }
        }

        var llama = page.Locator(".model-group[data-backend='ollama'] tr[data-model='llama3.2:latest'] td");
        await Expect(llama.Nth(1)).ToHaveTextAsync("2.0 GB");
        await Expect(llama.Nth(2)).ToHaveTextAsync("Q4_K_M");
        await Expect(page.Locator(".model-group[data-backend='ollama'] form.pull")).ToBeVisibleAsync();
        var ggufInstalled = (await Host.Manager.GetBackend("gguf").ListModelsAsync()).Count(m => m.IsInstalled);
        await Expect(page.Locator(".model-group[data-backend='gguf'] button", new() { HasTextString = "Delete" })).ToHaveCountAsync(ggufInstalled);
    }

    [Fact]
    public async Task APull_MovesItsBarOnlyForward_AndReaches100()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Ollama.Faults.BeforePullStep = (step, ct) => step == 3 ? release.Task.WaitAsync(ct) : Task.CompletedTask;
        try
        {
            var page = await Host.OpenAsync("models");
            var group = page.Locator(".model-group[data-backend='ollama']");
            var bar = group.Locator("form.pull progress");
            await Expect(bar).ToBeAttachedAsync();
            // Every value the bar shows, in order: each change's old value, and the value after the last change.
            await bar.EvaluateAsync("""
                bar => {
                  window.barValues = [];
                  window.barValue = () => window.barValues.concat([Number(bar.getAttribute('value'))]);
                  new MutationObserver(records => records.forEach(r => window.barValues.push(Number(r.oldValue))))
                    .observe(bar, { attributes: true, attributeFilter: ['value'], attributeOldValue: true });
                }
                """);

            await group.GetByLabel("Model to pull").FillAsync("tinyllama:1.1b");
            await group.GetByRole(AriaRole.Button, new() { Name = "Pull" }).ClickAsync();

            // Held by the server after three steps of the first layer: the bar shows part of the way, not the end.
            await Expect(bar).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => window.barValue().some(v => v > 0)");
            Assert.InRange(await bar.EvaluateAsync<double>("bar => bar.value"), 0.1, 99.9);

            // The layers announced so far and their bytes are shown beside the bar.
            await Expect(group.Locator(".pull-status")).ToContainTextAsync("layer 1 of 1 · 1.5 kB of 3.0 kB");
            await Expect(group.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeEnabledAsync();
            await Screenshots.SaveAsync(page, "models-pulling-1280");

            release.SetResult();
            await Expect(group.Locator("tr[data-model='tinyllama:1.1b']")).ToBeVisibleAsync();

            var values = JsonSerializer.Deserialize<double[]>(await page.EvaluateAsync<string>("() => JSON.stringify(window.barValue())"))!;
            Assert.True(values.Length > 3, $"only {values.Length} bar updates");
            for (var i = 1; i < values.Length; i++)
            {
                Assert.True(values[i] >= values[i - 1], $"the bar moved back: {string.Join(", ", values)}");
            }

            Assert.Equal(100, values[^1]);
            Assert.True(Host.Ollama.Installed.ContainsKey("tinyllama:1.1b"));
        }
        finally
        {
            Host.Ollama.Faults.BeforePullStep = null;
        }
    }

    [Fact]
    public async Task CancellingAPull_StopsTheDownloadOnTheServer()
    {
        Host.Ollama.Library["phi3:mini"] = new TestModel("phi3:mini", "phi3", "3.8B", "Q4_0", 4000);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Ollama.Faults.BeforePullStep = async (step, ct) =>
        {
            if (step == 2)
            {
                using var registration = ct.Register(() => aborted.TrySetResult());
                held.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        try
        {
            var page = await Host.OpenAsync("models");
            var group = page.Locator(".model-group[data-backend='ollama']");
            await group.GetByLabel("Model to pull").FillAsync("phi3:mini");
            await group.GetByRole(AriaRole.Button, new() { Name = "Pull" }).ClickAsync();
            await held.Task.WaitAsync(TimeSpan.FromSeconds(30));

            await group.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

            await Expect(group.Locator(".pull-status")).ToHaveTextAsync("Pull of phi3:mini cancelled.");
            await aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Expect(group.GetByRole(AriaRole.Button, new() { Name = "Pull" })).ToBeEnabledAsync();
            Assert.False(Host.Ollama.Installed.ContainsKey("phi3:mini"));
        }
        finally
        {
            Host.Ollama.Faults.BeforePullStep = null;
        }
    }

    [Fact]
    public async Task Delete_AsksFirst_ThenRemovesTheModel()
    {
        var page = await Host.OpenAsync("models");
        var row = page.Locator(".model-group[data-backend='ollama'] tr[data-model='llava:7b']");
        var delete = row.GetByRole(AriaRole.Button, new() { Name = "Delete llava:7b" });
        var dialog = page.Locator("#confirm-dialog");

        await delete.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync("Delete llava:7b from ollama?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(row).ToBeVisibleAsync();
        Assert.True(Host.Ollama.Installed.ContainsKey("llava:7b"));

        await delete.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.False(Host.Ollama.Installed.ContainsKey("llava:7b"));
    }
}
