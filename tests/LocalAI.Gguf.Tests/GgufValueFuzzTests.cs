using LocalAI.Testing.Gguf;
using Xunit.Abstractions;

namespace LocalAI.Gguf.Tests;

/// <summary>
/// Mutations of metadata values and tensor shapes (not random bytes): each file is read by the managed reader here, and every file it
/// accepts is loaded, given a context and decoded by llama.cpp in the verifier child process, so a file that aborts llama.cpp ends a
/// child and never this process.
/// </summary>
public sealed class GgufValueFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 2400;

    [Fact]
    public async Task Value_and_shape_mutations_are_refused_with_a_reason_or_load_and_none_aborts_llama_cpp()
    {
        var seed = GgufWriter.From(TinyModels.Small());
        var mutations = GgufValueMutations.Generate(seed, Mutations, new Random(20261202));
        var folder = Directory.CreateTempSubdirectory("gguf-value-fuzz-").FullName;
        try
        {
            var accepted = new List<(string Path, string Description)>();
            var refusedByReader = 0;
            for (var i = 0; i < mutations.Count; i++)
            {
                var writer = GgufWriter.From(TinyModels.Small());
                mutations[i].Apply(writer);
                var path = Path.Combine(folder, $"m{i}.gguf");
                writer.Write(path);
                try
                {
                    GgufFile.Read(path);
                    accepted.Add((path, mutations[i].Description));
                }
                catch (InvalidModelFileException ex)
                {
                    Assert.False(string.IsNullOrWhiteSpace(ex.Reason), mutations[i].Description);
                    refusedByReader++;
                    File.Delete(path);
                }
            }

            var verifier = new ModelFileVerifier(new GgufBackendOptions { Threads = 1 });
            var verdicts = await verifier.VerifyUncachedAsync([.. accepted.Select(a => a.Path)], CancellationToken.None);
            var deaths = accepted.Zip(verdicts).Where(v => v.Second?.Contains("ended the verifier process", StringComparison.Ordinal) == true).ToList();
            var refusedByLlama = verdicts.Count(v => v is not null) - deaths.Count;
            output.WriteLine($"{mutations.Count} mutations: {refusedByReader} refused by the managed reader, {accepted.Count} accepted; of those {verdicts.Count(v => v is null)} loaded and decoded, {refusedByLlama} refused by llama.cpp, {deaths.Count} ended the child");
            foreach (var (file, verdict) in deaths)
            {
                output.WriteLine($"  {file.Description}: {verdict}");
            }

            Assert.True(mutations.Count >= 2000);
            Assert.All(verdicts, v => Assert.True(v is null || v.Trim().Length > 0));
            Assert.Empty(deaths);
            Assert.Contains(verdicts, v => v is null);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
