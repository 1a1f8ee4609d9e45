namespace LocalAI.Mlx.Tests.Sidecar;

public sealed class PythonLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("localai-mlx-venv-").FullName;

    [Fact]
    public void Explicit_path_is_the_only_candidate()
    {
        var candidates = PythonLocator.Candidates(new MlxBackendOptions { PythonPath = "/opt/py/bin/python3" }, _ => "/usr/bin", "/app", "/cwd");
        Assert.Equal(["/opt/py/bin/python3"], candidates);
    }

    [Fact]
    public void Virtual_environments_come_before_PATH()
    {
        var environment = new Dictionary<string, string?> { ["VIRTUAL_ENV"] = "/venvs/active", ["PATH"] = "/usr/local/bin:/usr/bin" };
        var candidates = PythonLocator.Candidates(new MlxBackendOptions { VirtualEnvironment = "/venvs/chosen" }, k => environment.GetValueOrDefault(k), "/app", "/cwd");

        Assert.Equal(
            ["/venvs/chosen/bin/python", "/venvs/active/bin/python", "/app/.venv/bin/python", "/cwd/.venv/bin/python",
             "/usr/local/bin/python3", "/usr/local/bin/python", "/usr/bin/python3", "/usr/bin/python"],
            candidates);
    }

    [Fact]
    public async Task An_activated_virtual_environment_is_used()
    {
        var real = await PythonLocator.LocateAsync(MlxBackend.DefaultId, new MlxBackendOptions(), Environment.GetEnvironmentVariable, _root, TimeSpan.FromSeconds(20), CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        var venvPython = Path.Combine(_root, "bin", "python");
        File.CreateSymbolicLink(venvPython, real.Path);

        var found = await PythonLocator.LocateAsync(
            MlxBackend.DefaultId, new MlxBackendOptions(), k => k == "VIRTUAL_ENV" ? _root : Environment.GetEnvironmentVariable(k), "/nowhere", TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Equal(venvPython, found.Path);
        Assert.True(found.Version >= new Version(3, 10));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
