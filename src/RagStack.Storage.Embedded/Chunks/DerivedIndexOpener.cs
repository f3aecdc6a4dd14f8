using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Embedded.Vectors;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>
/// Opens the keyword and vector indexes of a chunk index from their files under the data folder, and rebuilds from the
/// chunk rows each one that is missing, unreadable or does not reflect the database's generation.
/// </summary>
internal sealed class DerivedIndexOpener
{
    private readonly EmbeddedStoreOptions _options;
    private readonly ILogger _logger;
    private readonly string _keywordRoot;
    private readonly string _vectorRoot;
    private readonly List<IndexRebuild> _rebuilds = [];

    public DerivedIndexOpener(EmbeddedStoreOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _keywordRoot = Path.Combine(options.DataDirectory, "keyword");
        _vectorRoot = Path.Combine(options.DataDirectory, "vectors");
        Directory.CreateDirectory(_keywordRoot);
        Directory.CreateDirectory(_vectorRoot);
    }

    /// <summary>The derived indexes that opening had to rebuild.</summary>
    public IReadOnlyList<IndexRebuild> Rebuilds => _rebuilds;

    /// <summary>Opens both derived indexes of one index and rebuilds each one that does not reflect <paramref name="generation"/>.</summary>
    public DerivedIndexes Open(SqliteConnection connection, string index, long generation)
    {
        var folder = DerivedIndexes.FolderName(index);
        var keyword = KeywordIndex.Open(Path.Combine(_keywordRoot, folder), KeywordScoring.From(_options), out var keywordProblem);
        var vectors = new VectorIndex(index, _options);
        var indexes = new DerivedIndexes(index, keyword, vectors, Path.Combine(_vectorRoot, folder + ".usearch")) { Generation = generation };
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var chunkCount = 0;
            keywordProblem ??= keyword.CommittedGeneration == generation || (generation == 0 && keyword.CommittedGeneration is null)
                ? null
                : keyword.CommittedGeneration is null
                    ? "no Lucene commit"
                    : $"the Lucene commit reflects generation {keyword.CommittedGeneration}, the database is at {generation}";
            if (keywordProblem is not null)
            {
                RecordRebuild(index, "keyword", keywordProblem);
                keyword.Clear();
            }

            // One pass over the rows fills the in-memory vectors and, when needed, the keyword index.
            var rows = new List<KeywordChunk>(1024);
            foreach (var (rowId, chunk) in ChunkTable.ReadIndex(connection, index))
            {
                chunkCount++;
                if (!chunk.Vector.IsEmpty)
                {
                    vectors.Load(new VectorEntry(rowId, chunk.Tenant, chunk.DocumentId, chunk.Tags, VectorIndex.Normalised(chunk.Vector.Span)));
                }

                if (keywordProblem is not null)
                {
                    rows.Add(new KeywordChunk(rowId, chunk.Tenant, chunk.DocumentId, KeywordAnalysis.Title(chunk), chunk.Text, chunk.Tags));
                    if (rows.Count == rows.Capacity)
                    {
                        keyword.Add(rows);
                        rows.Clear();
                    }
                }
            }

            if (keywordProblem is not null)
            {
                keyword.Add(rows);
                keyword.Commit(generation);
                _logger.RebuiltIndex(index, "keyword", chunkCount, stopwatch.ElapsedMilliseconds);
            }

            stopwatch.Restart();
            if (!vectors.TryLoadGraph(indexes.GraphPath, generation, out var vectorProblem))
            {
                RecordRebuild(index, "vector", vectorProblem!);
                vectors.BuildGraph();
                vectors.SaveGraph(indexes.GraphPath, generation);
                _logger.RebuiltIndex(index, "vector", vectors.Count, stopwatch.ElapsedMilliseconds);
            }

            return indexes;
        }
        catch
        {
            indexes.Dispose();
            throw;
        }
    }

    private void RecordRebuild(string index, string component, string reason)
    {
        _rebuilds.Add(new IndexRebuild(index, component, reason));
        _logger.RebuildingIndex(index, component, reason);
    }
}
