using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LocalAI.AspNetCore;

/// <summary><c>POST /v1/embeddings</c>: a string or an array of strings in, the vectors of the router's embedding model out, as floats or base64.</summary>
internal static class EmbeddingsEndpoint
{
    public static Task HandleAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<RequestRunner>().RunAsync(context, static (c, ct) => RespondAsync(c, ct));

    private static async Task RespondAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var runner = context.RequestServices.GetRequiredService<RequestRunner>();
        var request = await RequestRunner.ReadJsonAsync(context, OpenAIJsonContext.Default.EmbeddingRequest, cancellationToken).ConfigureAwait(false);
        var inputs = Inputs(request.Input, runner.Options.MaxEmbeddingInputs);
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw HttpError.BadRequest("encoding_format", $"'encoding_format' must be 'float' or 'base64' (was '{request.EncodingFormat}')."),
        };

        var router = context.RequestServices.GetRequiredService<FallbackEmbeddingGenerator>();
        var identity = await router.GetModelIdentityAsync(cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(request.Model) && !string.Equals(request.Model, identity.Model, StringComparison.OrdinalIgnoreCase))
        {
            throw new HttpError(StatusCodes.Status404NotFound,
                $"The model '{request.Model}' is not the embedding model this server serves ('{identity.Model}', {identity.Dimensions} dimensions); vectors of different models are never mixed.",
                "model", "model_not_found");
        }

        if (request.Dimensions is { } dimensions && dimensions != identity.Dimensions)
        {
            throw HttpError.BadRequest("dimensions",
                $"The model '{identity.Model}' produces {identity.Dimensions}-dimensional vectors and cannot shorten them; leave 'dimensions' out or set it to {identity.Dimensions}.",
                "not_supported");
        }

        var generator = context.RequestServices.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(inputs, null, cancellationToken).ConfigureAwait(false);
        var backend = ServerHeaders.BackendOf(embeddings.AdditionalProperties);
        if (backend is not null)
        {
            context.Response.Headers[ServerHeaders.Backend] = backend;
        }

        var data = new List<EmbeddingItem>(embeddings.Count);
        var components = 0L;
        for (var i = 0; i < embeddings.Count; i++)
        {
            components += embeddings[i].Vector.Length;
            if (!AllFinite(embeddings[i].Vector.Span))
            {
                throw new HttpError(StatusCodes.Status502BadGateway,
                    $"The embedding model '{identity.Model}' returned a vector with NaN or infinity for input {i}; JSON cannot carry it and no similarity can use it.",
                    code: "invalid_embedding");
            }

            data.Add(new EmbeddingItem { Index = i, Embedding = new EmbeddingVector(embeddings[i].Vector, base64) });
        }

        var tokens = embeddings.Usage?.InputTokenCount ?? 0;
        var body = new EmbeddingResponse
        {
            Data = data,
            Model = identity.Model,
            Usage = new UsageResponse { PromptTokens = tokens, TotalTokens = embeddings.Usage?.TotalTokenCount ?? tokens },
            Backend = backend,
        };

        // Room for the vectors' text (about 13 bytes a float, 5.4 as base64) and the rest, so the buffer is not grown and copied on the way.
        var expected = (int)Math.Min(int.MaxValue / 2, 1024 + (components * (base64 ? 6 : 14)));
        await RequestRunner.WriteJsonAsync(context, body, OpenAIJsonContext.Default.EmbeddingResponse, expectedBytes: expected).ConfigureAwait(false);
    }

    // Checked before anything is written, so a broken vector is an error status rather than a cut-off answer.
    private static bool AllFinite(ReadOnlySpan<float> vector)
    {
        var bits = MemoryMarshal.Cast<float, uint>(vector);
        var exponent = new Vector<uint>(0x7F80_0000u);
        var i = 0;
        for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
        {
            if (Vector.EqualsAny(new Vector<uint>(bits[i..]) & exponent, exponent))
            {
                return false;
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & 0x7F80_0000u) == 0x7F80_0000u)
            {
                return false;
            }
        }

        return true;
    }

    private static List<string> Inputs(JsonElement? input, int max)
    {
        switch (input)
        {
            case { ValueKind: JsonValueKind.String } one:
                return [NonEmpty(one.GetString()!, "input")];
            case { ValueKind: JsonValueKind.Array } many:
                var count = many.GetArrayLength();
                if (count == 0)
                {
                    throw HttpError.BadRequest("input", "'input' must not be an empty array.");
                }

                if (count > max)
                {
                    throw HttpError.BadRequest("input", $"'input' may hold at most {max} texts (was {count}).");
                }

                var list = new List<string>(count);
                foreach (var item in many.EnumerateArray())
                {
                    var at = $"input[{list.Count}]";
                    list.Add(item.ValueKind switch
                    {
                        JsonValueKind.String => NonEmpty(item.GetString()!, at),
                        JsonValueKind.Number or JsonValueKind.Array => throw HttpError.BadRequest(at, "Token arrays are not accepted: send the text, the server tokenizes it with the model's own tokenizer.", "not_supported"),
                        _ => throw HttpError.BadRequest(at, $"'{at}' must be a string."),
                    });
                }

                return list;
            case null or { ValueKind: JsonValueKind.Null }:
                throw HttpError.BadRequest("input", "'input' is required: a string or an array of strings.", "missing_required_parameter");
            default:
                throw HttpError.BadRequest("input", "'input' must be a string or an array of strings.");
        }
    }

    private static string NonEmpty(string text, string at) =>
        text.Length > 0 ? text : throw HttpError.BadRequest(at, $"'{at}' must not be empty.");
}
