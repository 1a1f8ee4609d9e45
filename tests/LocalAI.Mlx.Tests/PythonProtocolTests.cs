using System.Text.RegularExpressions;
using LocalAI.Mlx.Tests.Support;
using Xunit.Abstractions;

namespace LocalAI.Mlx.Tests;

/// <summary>Runs the Python unit tests of the sidecar (stdlib unittest) as part of dotnet test.</summary>
public sealed partial class PythonProtocolTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Python_unittest_suite_passes()
    {
        var (exitCode, text) = await PythonProcess.RunAsync(
            ["-m", "unittest", "discover", "-v", "-s", TestPaths.PythonTests, "-t", TestPaths.PythonTests],
            timeout: TimeSpan.FromSeconds(60));
        output.WriteLine(text);

        var ran = RanPattern().Match(text);
        Assert.True(ran.Success, "unittest printed no summary:\n" + text);
        var count = int.Parse(ran.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var skipped = SkippedPattern().Matches(text).Select(m => m.Value).ToList();
        output.WriteLine($"Python tests run: {count}; skipped: {skipped.Count}");
        foreach (var skip in skipped)
        {
            output.WriteLine(skip);
        }

        Assert.True(exitCode == 0, $"Python unit tests failed (exit code {exitCode}):\n{text}");
        Assert.True(count >= 40, $"expected the whole Python suite, ran {count}");
    }

    [GeneratedRegex(@"^Ran (\d+) tests? in", RegexOptions.Multiline)]
    private static partial Regex RanPattern();

    [GeneratedRegex(@"^.*skipped '.*'$", RegexOptions.Multiline)]
    private static partial Regex SkippedPattern();
}
