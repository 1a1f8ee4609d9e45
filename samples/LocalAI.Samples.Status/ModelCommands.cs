using System.Globalization;
using Spectre.Console;

namespace LocalAI.Samples.Status;

/// <summary>The sample's model commands: <c>models</c> (every backend's models, installed or in its catalog), <c>pull</c> and <c>rm</c>.</summary>
internal static class ModelCommands
{
    /// <summary>Prints every backend's models from <see cref="BackendManager.ListAllModelsAsync"/>, a backend that failed to list with its reason.</summary>
    public static async Task<int> ListAsync(BackendManager manager, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var listing = await manager.ListAllModelsAsync(cancellationToken: cancellationToken);
        var table = new Table().AddColumns("backend", "model", "installed", "size", "quantisation", "context", "dimensions", "role");
        foreach (var (id, group) in listing.Backends)
        {
            if (group.Error is { } error)
            {
                table.AddRow(Markup.Escape(id), "[red]" + Markup.Escape(error) + "[/]", "-", "-", "-", "-", "-", "-");
                continue;
            }

            foreach (var model in group.Models)
            {
                table.AddRow(
                    Markup.Escape(id),
                    Markup.Escape(model.Id),
                    model.IsLoaded ? "loaded" : model.IsInstalled ? "yes" : "no",
                    model.SizeBytes is { } size ? FormatSize(size) : "-",
                    Markup.Escape(model.Quantization ?? "-"),
                    model.ContextLength?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    model.EmbeddingDimensions?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    Markup.Escape(model.Role ?? "-"));
            }
        }

        console.Write(table);
        return 0;
    }

    /// <summary>Downloads a model through its backend with a progress bar; Ctrl+C cancels (what was fetched is kept for the next pull where the backend resumes).</summary>
    public static async Task<int> PullAsync(BackendManager manager, string backendId, string model, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (Find(manager, backendId, console) is not { } backend)
        {
            return 2;
        }

        if (!backend.Capabilities.HasFlag(BackendCapabilities.ModelDownload))
        {
            console.MarkupLineInterpolated($"[red]Backend {backendId} cannot download models[/] (for GGUF set LocalAI:{backendId}:ModelsDirectory).");
            return 2;
        }

        try
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape($"{backendId}: {model}"), maxValue: 100);
                    await backend.DownloadModelAsync(model, new ProgressBar(task), cancellationToken);
                    task.Value = 100;
                });
            console.MarkupLineInterpolated($"Pulled {model} into {backendId}.");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLineInterpolated($"[yellow]Pull of {model} cancelled.[/] Pull it again to go on.");
            return 130;
        }
        catch (LocalAIException ex)
        {
            console.MarkupLineInterpolated($"[red]Pull of {model} failed:[/] {ex.Message}");
            return 1;
        }
    }

    /// <summary>Deletes a model through its backend; says clearly why when the backend refuses (loaded, not found).</summary>
    public static async Task<int> RemoveAsync(BackendManager manager, string backendId, string model, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (Find(manager, backendId, console) is not { } backend)
        {
            return 2;
        }

        if (backend is not IModelDeleter deleter)
        {
            console.MarkupLineInterpolated($"[red]Backend {backendId} cannot delete models.[/]");
            return 2;
        }

        try
        {
            await deleter.DeleteModelAsync(model, cancellationToken);
            console.MarkupLineInterpolated($"Deleted {model} from {backendId}.");
            return 0;
        }
        catch (ModelInUseException ex)
        {
            console.MarkupLineInterpolated($"[red]Refused, {model} is in use:[/] {ex.Message}");
            return 1;
        }
        catch (ModelNotFoundException ex)
        {
            console.MarkupLineInterpolated($"[red]Not found:[/] {ex.Message}");
            return 1;
        }
        catch (LocalAIException ex)
        {
            console.MarkupLineInterpolated($"[red]Deleting {model} failed:[/] {ex.Message}");
            return 1;
        }
    }

    private static ILocalBackend? Find(BackendManager manager, string backendId, IAnsiConsole console)
    {
        var backend = manager.Backends.FirstOrDefault(b => string.Equals(b.Id, backendId, StringComparison.OrdinalIgnoreCase));
        if (backend is null)
        {
            console.MarkupLineInterpolated($"[red]No backend {backendId} is configured[/] (configured: {string.Join(", ", manager.Backends.Select(b => b.Id))}).");
        }

        return backend;
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>Moves a progress bar forward only, with the backend's status as its description.</summary>
    private sealed class ProgressBar(ProgressTask task) : IProgress<ModelDownloadProgress>
    {
        public void Report(ModelDownloadProgress value)
        {
            task.Value = Math.Max(task.Value, value.Percent);
            task.Description = Markup.Escape($"{value.Model}: {value.Status}");
        }
    }
}
