using Microsoft.Playwright;

namespace LocalAI.Samples.Web.Tests;

/// <summary>Writes the views' screenshots as test artifacts, under <c>artifacts/screenshots</c> of the repository (or <c>LOCALAI_SCREENSHOTS</c>).</summary>
public static class Screenshots
{
    /// <summary>Gets the folder the screenshots go to.</summary>
    public static string Folder { get; } = FindFolder();

    /// <summary>Saves a full-page screenshot of the page as <c>{name}.png</c>.</summary>
    /// <param name="page">The page.</param>
    /// <param name="name">The file name without extension.</param>
    /// <returns>The path written.</returns>
    public static async Task<string> SaveAsync(IPage page, string name)
    {
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string FindFolder()
    {
        if (Environment.GetEnvironmentVariable("LOCALAI_SCREENSHOTS") is { Length: > 0 } configured)
        {
            return Directory.CreateDirectory(configured).FullName;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalAI.Backends.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "artifacts", "screenshots")).FullName;
            }
        }

        return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
    }
}
