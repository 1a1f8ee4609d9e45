using System.Globalization;

namespace LocalAI.Gguf.Verifier;

/// <summary>The verifier's entry point: <c>dotnet exec LocalAI.Gguf.Verifier.dll &lt;threads&gt; [native library folder]</c>, file paths on standard input.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length is < 1 or > 2 || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var threads) || threads < 1)
        {
            Console.Error.WriteLine("usage: dotnet exec LocalAI.Gguf.Verifier.dll <threads> [native library folder] < paths");
            return 1;
        }

        return GgufVerifierEntryPoint.Run(Console.In, Console.Out, Console.Error, args.Length > 1 ? args[1] : null, threads);
    }
}
