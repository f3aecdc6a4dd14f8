using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using RagStack.Chunks;

namespace RagStack.Storage.Embedded.Keyword;

/// <summary>
/// How keyword search reads text, in one place for every backend: Lucene's English analysis (lower case, stop words,
/// possessives, Porter stemming) and the title a chunk is also found by. The embedded BM25 index analyses with it, and
/// the Qdrant store computes its sparse BM25 vectors with it, so both backends match the same terms.
/// </summary>
internal static class KeywordAnalysis
{
    /// <summary>The Lucene version whose analysis and index format are used.</summary>
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>A new English analyzer; thread-safe for reading, owned (and disposed) by the caller.</summary>
    public static Analyzer CreateAnalyzer() => new EnglishAnalyzer(Version);

    /// <summary>
    /// The analysed terms of <paramref name="text"/> in order, repeats included (their count is the term frequency).
    /// User text is never parsed as query syntax, so nothing in it can throw.
    /// </summary>
    public static IEnumerable<string> Terms(Analyzer analyzer, string text)
    {
        using var stream = analyzer.GetTokenStream("text", text);
        var attribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            yield return attribute.ToString();
        }

        stream.End();
    }

    /// <summary>The title a chunk is also found by: its section path and document name, weighed apart from its text.</summary>
    public static string Title(ChunkRecord chunk) =>
        chunk.SectionPath.Count == 0 ? chunk.DocumentName : string.Join(" › ", chunk.SectionPath) + " · " + chunk.DocumentName;
}
