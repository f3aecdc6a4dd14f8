using Lucene.Net.Analysis;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace RagStack.Storage.Embedded.Keyword;

/// <summary>
/// The BM25 index of one chunk index (Lucene.NET, English analysis), under <c>keyword/&lt;index&gt;/</c>. One writer and a
/// near-real-time searcher manager; the generation of SQLite it reflects is kept in the Lucene commit's user data.
/// Not synchronised itself: the chunk store never writes while it searches.
/// </summary>
internal sealed class KeywordIndex : IDisposable
{
    /// <summary>Lucene allows at most 1024 clauses in one boolean query; each query term adds one per weighted field.</summary>
    public const int MaxQueryClauses = 1024;

    private const string RowField = "row";
    private const string TenantField = "tenant";
    private const string DocumentField = "doc";
    private const string TagField = "tag";
    private const string TextField = "text";
    private const string TitleField = "title";
    private const string GenerationKey = "ragstack.generation";

    private readonly LuceneDirectory _directory;
    private readonly Analyzer _analyzer;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly float _textWeight;
    private readonly float _titleWeight;
    private bool _stale;

    private KeywordIndex(LuceneDirectory directory, Analyzer analyzer, IndexWriter writer, KeywordScoring scoring)
    {
        _directory = directory;
        _analyzer = analyzer;
        _writer = writer;
        _textWeight = scoring.TextWeight;
        _titleWeight = scoring.TitleWeight;
        _searchers = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory(scoring));
    }

    /// <summary>The SQLite generation of the last commit, or null when there is none.</summary>
    public long? CommittedGeneration { get; private set; }

    /// <summary>
    /// Opens the index in <paramref name="path"/>, or creates an empty one. A missing or unreadable index is replaced
    /// by an empty one and <paramref name="problem"/> says why; the caller then rebuilds it.
    /// </summary>
    public static KeywordIndex Open(string path, KeywordScoring scoring, out string? problem)
    {
        problem = null;
        try
        {
            return OpenCore(path, scoring, OpenMode.CREATE_OR_APPEND);
        }
        catch (Exception e) when (e is IOException or CorruptIndexException or IndexFormatTooOldException or IndexFormatTooNewException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            problem = $"{e.GetType().Name}: {e.Message}";
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }

            return OpenCore(path, scoring, OpenMode.CREATE);
        }
    }

    /// <summary>Atomically replaces one document's chunks: a searcher sees the old set or the new one.</summary>
    public void ReplaceDocument(string tenant, string documentId, IReadOnlyList<KeywordChunk> chunks)
    {
        var key = new Term(DocumentField, DocumentKey(tenant, documentId));
        if (chunks.Count == 0)
        {
            _writer.DeleteDocuments(key);
        }
        else
        {
            _writer.UpdateDocuments(key, chunks.Select(ToDocument));
        }

        _stale = true;
    }

    /// <summary>Empties the index, for a rebuild.</summary>
    public void Clear()
    {
        _writer.DeleteAll();
        _stale = true;
    }

    /// <summary>Adds chunks without replacing anything, for a rebuild.</summary>
    public void Add(IEnumerable<KeywordChunk> chunks)
    {
        foreach (var chunk in chunks)
        {
            _writer.AddDocument(ToDocument(chunk));
        }

        _stale = true;
    }

    /// <summary>Makes everything written so far durable, recording the SQLite generation it reflects.</summary>
    public void Commit(long generation)
    {
        _writer.SetCommitData(new Dictionary<string, string> { [GenerationKey] = generation.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _writer.Commit();
        CommittedGeneration = generation;
    }

    /// <summary>The best <paramref name="top"/> rows for the query by BM25, among the rows the filter admits.</summary>
    public IReadOnlyList<(long RowId, float Score)> Search(string query, ChunkFilter filter, int top)
    {
        var terms = Analyze(query);
        if (terms.Count == 0 || top == 0 || IsEmpty(filter.DocumentIds) || IsEmpty(filter.Tags))
        {
            return [];
        }

        var scoring = new BooleanQuery();
        foreach (var term in terms)
        {
            AddWeighted(scoring, TextField, term, _textWeight);
            AddWeighted(scoring, TitleField, term, _titleWeight);
        }

        // A filter, not a clause: it decides which chunks are ranked at all and adds nothing to their scores.
        var admitted = new BooleanQuery
        {
            { new TermQuery(new Term(TenantField, filter.Tenant)), Occur.MUST },
        };
        if (filter.DocumentIds is { } documentIds)
        {
            admitted.Add(AnyOf(DocumentField, documentIds.Select(id => DocumentKey(filter.Tenant, id))), Occur.MUST);
        }

        if (filter.Tags is { } tags)
        {
            admitted.Add(AnyOf(TagField, tags), Occur.MUST);
        }

        if (Volatile.Read(ref _stale))
        {
            // Searches run only while no write does, so no write can slip in between the refresh and clearing the flag.
            _searchers.MaybeRefreshBlocking();
            Volatile.Write(ref _stale, false);
        }

        var searcher = _searchers.Acquire();
        try
        {
            var hits = searcher.Search(scoring, new QueryWrapperFilter(admitted), top);
            var leaves = searcher.IndexReader.Leaves;
            var results = new List<(long, float)>(hits.ScoreDocs.Length);
            foreach (var hit in hits.ScoreDocs)
            {
                var leaf = leaves[ReaderUtil.SubIndex(hit.Doc, leaves)];
                var rows = leaf.AtomicReader.GetNumericDocValues(RowField);
                results.Add((rows.Get(hit.Doc - leaf.DocBase), hit.Score));
            }

            return results;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>Closes without committing: what was not committed is rebuilt from SQLite on the next open.</summary>
    public void Dispose()
    {
        _searchers.Dispose();
        _writer.Rollback();
        _analyzer.Dispose();
        _directory.Dispose();
    }

    private static KeywordIndex OpenCore(string path, KeywordScoring scoring, OpenMode mode)
    {
        System.IO.Directory.CreateDirectory(path);
        var directory = FSDirectory.Open(path);
        var analyzer = KeywordAnalysis.CreateAnalyzer();
        IndexWriter? writer = null;
        try
        {
            var config = new IndexWriterConfig(KeywordAnalysis.Version, analyzer)
            {
                OpenMode = mode,
                Similarity = scoring.Similarity(),
                RAMBufferSizeMB = 64,
            };
            writer = new IndexWriter(directory, config);
            var index = new KeywordIndex(directory, analyzer, writer, scoring);
            index.CommittedGeneration = writer.CommitData.TryGetValue(GenerationKey, out var value)
                && long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var generation) ? generation : null;
            return index;
        }
        catch
        {
            writer?.Rollback();
            analyzer.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>The query's distinct analysed terms. User text is never parsed as Lucene syntax, so nothing in it can throw.</summary>
    private List<string> Analyze(string query)
    {
        var terms = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var clausesPerTerm = (_textWeight > 0 ? 1 : 0) + (_titleWeight > 0 ? 1 : 0);
        foreach (var term in KeywordAnalysis.Terms(_analyzer, query))
        {
            if (terms.Count * clausesPerTerm >= MaxQueryClauses - 1)
            {
                break;
            }

            if (seen.Add(term))
            {
                terms.Add(term);
            }
        }

        return terms;
    }

    private static void AddWeighted(BooleanQuery query, string field, string term, float weight)
    {
        if (weight > 0)
        {
            query.Add(new TermQuery(new Term(field, term)) { Boost = weight }, Occur.SHOULD);
        }
    }

    /// <summary>Matches any of the values; nested so that no boolean query exceeds Lucene's clause limit.</summary>
    private static BooleanQuery AnyOf(string field, IEnumerable<string> values)
    {
        var any = new BooleanQuery();
        var group = any;
        foreach (var value in values.Distinct(StringComparer.Ordinal))
        {
            if (group.Clauses.Count == MaxQueryClauses - 1)
            {
                var next = new BooleanQuery();
                group.Add(next, Occur.SHOULD);
                group = next;
            }

            group.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
        }

        return any;
    }

    private static bool IsEmpty(IReadOnlyList<string>? values) => values is { Count: 0 };

    private static string DocumentKey(string tenant, string documentId) => tenant + '\u001f' + documentId;

    private static Document ToDocument(KeywordChunk chunk)
    {
        var document = new Document
        {
            new NumericDocValuesField(RowField, chunk.RowId),
            new StringField(TenantField, chunk.Tenant, Field.Store.NO),
            new StringField(DocumentField, DocumentKey(chunk.Tenant, chunk.DocumentId), Field.Store.NO),
            new TextField(TextField, chunk.Text, Field.Store.NO),
            new TextField(TitleField, chunk.Title, Field.Store.NO),
        };
        foreach (var tag in chunk.Tags)
        {
            document.Add(new StringField(TagField, tag, Field.Store.NO));
        }

        return document;
    }

    private sealed class Bm25SearcherFactory(KeywordScoring scoring) : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = scoring.Similarity() };
    }
}
