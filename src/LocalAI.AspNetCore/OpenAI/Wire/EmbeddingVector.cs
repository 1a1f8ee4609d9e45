using System.Text.Json.Serialization;

namespace LocalAI.AspNetCore;

/// <summary>A vector as it goes on the wire: an array of floats, or base64 of its little-endian float32 bytes.</summary>
/// <param name="Values">The vector.</param>
/// <param name="Base64">Whether it is written as base64.</param>
[JsonConverter(typeof(EmbeddingVectorConverter))]
internal readonly record struct EmbeddingVector(ReadOnlyMemory<float> Values, bool Base64);
