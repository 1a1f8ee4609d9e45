using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalAI.Council;

/// <summary>Writes durations as milliseconds (a number with up to three decimals).</summary>
internal sealed class MillisecondsTimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TimeSpan.FromMilliseconds(reader.GetDouble());

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(Math.Round(value.TotalMilliseconds, 3));
    }
}
