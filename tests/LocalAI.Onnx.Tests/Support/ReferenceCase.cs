namespace LocalAI.Onnx.Tests.Support;

/// <summary>One case of tiny-bert-st.expected.json.</summary>
internal sealed record ReferenceCase(string Text, int[] InputIds, float[] Embedding);
