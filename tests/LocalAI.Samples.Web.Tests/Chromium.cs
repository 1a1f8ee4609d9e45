using Microsoft.Playwright;

namespace LocalAI.Samples.Web.Tests;

/// <summary>Launches Debian's Chromium through Playwright's driver, headless; no browser is downloaded.</summary>
public static class Chromium
{
    /// <summary>The browser the tests drive, installed by <c>scripts/setup.d/40-chromium.sh</c>.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Starts Playwright and the browser.</summary>
    /// <returns>Playwright and the browser; dispose both.</returns>
    /// <exception cref="InvalidOperationException">Chromium is not installed.</exception>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: run scripts/setup.d/40-chromium.sh (apt-get install chromium) first.");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
