using LocalAI.Gguf.Tests.Fixtures;
using LocalAI.Testing.Gguf;
using Xunit.Abstractions;

namespace LocalAI.Gguf.Tests;

[Collection(ModelCollection.Name)]
public sealed class GgufFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 1000;
    private const int MaxNativeLoads = 150;

    [Fact]
    public void Mutated_and_truncated_files_are_refused_or_load_cleanly()
    {
        LlamaLibrary.EnsureLoaded(null);
        var original = File.ReadAllBytes(TinyModels.Small());
        var headerEnd = (int)GgufFile.Read(TinyModels.Small()).DataOffset;
        var random = new Random(20240611);
        var path = Path.Combine(Path.GetTempPath(), $"gguf-fuzz-{Guid.NewGuid():N}.gguf");
        int refused = 0, loaded = 0, nativeRefused = 0, readOnly = 0;
        try
        {
            for (var i = 0; i < Mutations; i++)
            {
                var bytes = Mutate(original, headerEnd, random);
                File.WriteAllBytes(path, bytes);
                try
                {
                    GgufFile.Read(path);
                }
                catch (InvalidModelFileException ex)
                {
                    Assert.False(string.IsNullOrEmpty(ex.Reason));
                    refused++;
                    continue;
                }

                if (loaded + nativeRefused >= MaxNativeLoads)
                {
                    readOnly++;
                    continue;
                }

                try
                {
                    using var model = LlamaModel.Load(path);
                    Assert.True(model.VocabSize > 0);
                    loaded++;
                }
                catch (InvalidModelFileException)
                {
                    nativeRefused++;
                }
            }
        }
        finally
        {
            File.Delete(path);
        }

        output.WriteLine($"{Mutations} mutations: {refused} refused by the managed reader, {loaded} loaded by llama.cpp, {nativeRefused} refused by llama.cpp, {readOnly} valid but not loaded (native load cap {MaxNativeLoads})");
        Assert.Equal(Mutations, refused + loaded + nativeRefused + readOnly);
        Assert.True(refused > Mutations / 2, $"refused {refused}, loaded {loaded}, refused by llama.cpp {nativeRefused}, not loaded {readOnly}");
        Assert.True(loaded > 0, $"refused {refused}, loaded {loaded}, refused by llama.cpp {nativeRefused}");
    }

    private static byte[] Mutate(byte[] original, int headerEnd, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
                // Truncate anywhere, mostly inside the header and metadata.
                return bytes[..(random.Next(3) == 0 ? random.Next(bytes.Length) : random.Next(headerEnd))];
            case 1:
                // Flip bits inside the header, metadata or tensor table.
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(headerEnd)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 2:
                // Overwrite a 64-bit count or length with a hostile value.
                var at = random.Next(8, headerEnd - 8);
                BitConverter.TryWriteBytes(bytes.AsSpan(at), random.Next(3) switch { 0 => ulong.MaxValue, 1 => (ulong)random.Next(), _ => 1UL << random.Next(64) });
                return bytes;
            case 3:
                // Random bytes anywhere, data section included.
                for (var n = random.Next(1, 16); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 4:
                // Change a small integer in the header area (counts, dimensions, types, ids).
                var pos = random.Next(24, headerEnd - 4);
                BitConverter.TryWriteBytes(bytes.AsSpan(pos), random.Next(-2, 70000));
                return bytes;
            default:
                // Cut a chunk out of the middle of the header area.
                var start = random.Next(24, headerEnd);
                var length = random.Next(1, Math.Min(64, bytes.Length - start));
                return [.. bytes[..start], .. bytes[(start + length)..]];
        }
    }
}
