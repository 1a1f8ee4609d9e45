namespace LocalAI.Mlx;

/// <summary>A Python interpreter found and probed.</summary>
/// <param name="Path">The interpreter's path.</param>
/// <param name="Version">Its version.</param>
internal sealed record PythonInstallation(string Path, Version Version);
