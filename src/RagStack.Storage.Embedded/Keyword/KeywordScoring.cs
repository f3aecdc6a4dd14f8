using Lucene.Net.Search.Similarities;

namespace RagStack.Storage.Embedded.Keyword;

/// <summary>
/// How keyword search scores: BM25's term-frequency saturation <see cref="K1"/> and length normalisation <see cref="B"/>
/// (applied at search time, so changing them needs no reindex) and the weights of the text and title fields.
/// </summary>
internal sealed record KeywordScoring(float TextWeight, float TitleWeight, float K1, float B)
{
    public static KeywordScoring From(EmbeddedStoreOptions options) =>
        new(options.KeywordTextWeight, options.KeywordTitleWeight, options.Bm25K1, options.Bm25B);

    public BM25Similarity Similarity() => new(K1, B);
}
