using System.Text.Json;
using System.Text.Json.Serialization;
using RagStack.Answering;

namespace RagStack.Api.OpenAi;

/// <summary>
/// One cited source in the <c>sources</c> extension field of a completion: the number the answer cites it by
/// (<c>[n]</c>), the document, its page (PDFs), section path and character span, and the cited passage.
/// </summary>
internal sealed record RagSource(int Number, string Document, string DocumentId, int? Page, string Section, int Start, int End, string Snippet)
{
    /// <summary>The name of the extension field.</summary>
    public const string Field = "sources";

    /// <summary>An answer's sources as the JSON of the <c>sources</c> field.</summary>
    public static JsonElement JsonOf(IReadOnlyList<AnswerSource> sources) => JsonSerializer.SerializeToElement(
        [.. sources.Select(s => new RagSource(s.Number, s.Citation.DocumentName, s.Citation.DocumentId, s.Citation.Page, s.Citation.Section, s.Citation.Start, s.Citation.End, s.Snippet))],
        RagSourceJson.Default.IReadOnlyListRagSource);
}

/// <summary>The <c>sources</c> field in the OpenAI wire format's naming (snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<RagSource>))]
internal sealed partial class RagSourceJson : JsonSerializerContext;
