using System.Globalization;
using System.Numerics.Tensors;
using Cloud.Unum.USearch;

namespace RagStack.Storage.Embedded.Vectors;

/// <summary>
/// The vectors of one chunk index: an in-memory copy (unit length) for exact SIMD search and for filtering, plus a
/// USearch HNSW graph (cosine) keyed by chunk row id, saved under <c>vectors/&lt;index&gt;.usearch</c> with a sidecar
/// that records the SQLite generation it reflects. Not synchronised itself: the chunk store never writes while it searches.
/// </summary>
internal sealed class VectorIndex : IDisposable
{
    private const int MaxHnswRounds = 4;

    private readonly string _name;
    private readonly EmbeddedStoreOptions _options;
    private readonly Dictionary<long, VectorEntry> _entries = [];
    private readonly Dictionary<string, HashSet<long>> _byTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string DocumentId), List<long>> _byDocument = [];
    // USearch hands each concurrent search one of a fixed number of per-thread contexts; never ask for more at once.
    private readonly SemaphoreSlim _searchSlots = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private USearchIndex? _graph;

    public VectorIndex(string name, EmbeddedStoreOptions options)
    {
        _name = name;
        _options = options;
    }

    /// <summary>The dimension of the vectors held, or 0 while the index holds none.</summary>
    public int Dimension { get; private set; }

    public int Count => _entries.Count;

    /// <summary>Throws unless a vector of <paramref name="dimension"/> fits this index.</summary>
    public void EnsureDimension(int dimension)
    {
        if (Dimension != 0 && _entries.Count > 0 && dimension != Dimension)
        {
            throw new VectorDimensionMismatchException(_name, Dimension, dimension);
        }
    }

    /// <summary>Fills the in-memory copy (no graph), for opening; the graph is loaded or built afterwards.</summary>
    public void Load(VectorEntry entry)
    {
        EnsureDimension(entry.Vector.Length);
        Dimension = entry.Vector.Length;
        Remember(entry);
    }

    /// <summary>Replaces one document's vectors in the copy and the graph.</summary>
    public void ReplaceDocument(string tenant, string documentId, IReadOnlyList<VectorEntry> entries)
    {
        if (_byDocument.Remove((tenant, documentId), out var old))
        {
            foreach (var rowId in old)
            {
                _entries.Remove(rowId);
                _byTenant[tenant].Remove(rowId);
                _graph?.Remove((ulong)rowId);
            }
        }

        if (entries.Count == 0)
        {
            return;
        }

        if (_entries.Count == 0 && Dimension != entries[0].Vector.Length)
        {
            // An emptied index may take another embedding model's dimension; the old graph cannot hold it.
            _graph?.Dispose();
            _graph = null;
        }

        Dimension = entries[0].Vector.Length;
        _graph ??= NewGraph();
        foreach (var entry in entries)
        {
            Remember(entry);
        }

        // USearch grows its capacity per call; one batch call reserves once.
        _graph.Add(entries.Select(e => (ulong)e.RowId).ToArray(), entries.Select(e => e.Vector).ToArray());
    }

    /// <summary>Builds the graph from the in-memory copy (a rebuild: the saved graph was missing, stale or unreadable).</summary>
    public void BuildGraph()
    {
        _graph?.Dispose();
        _graph = null;
        if (_entries.Count == 0)
        {
            return;
        }

        _graph = NewGraph();
        const int Batch = 4096;
        var all = _entries.Values.OrderBy(e => e.RowId).ToArray();
        for (var start = 0; start < all.Length; start += Batch)
        {
            var batch = all.AsSpan(start, Math.Min(Batch, all.Length - start)).ToArray();
            _graph.Add(batch.Select(e => (ulong)e.RowId).ToArray(), batch.Select(e => e.Vector).ToArray());
        }
    }

    /// <summary>
    /// Loads the graph saved at <paramref name="path"/> when its sidecar says it reflects <paramref name="generation"/>
    /// and it holds what the in-memory copy holds; otherwise returns false and says why.
    /// </summary>
    public bool TryLoadGraph(string path, long generation, out string? problem)
    {
        var sidecar = SidecarPath(path);
        if (_entries.Count == 0)
        {
            problem = null;
            return true;
        }

        if (!File.Exists(path) || !File.Exists(sidecar))
        {
            problem = "no saved graph";
            return false;
        }

        long saved;
        try
        {
            saved = long.Parse(File.ReadAllText(sidecar).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or OverflowException)
        {
            problem = $"unreadable generation sidecar ({e.Message})";
            return false;
        }

        if (saved != generation)
        {
            problem = $"saved graph reflects generation {saved}, the database is at {generation}";
            return false;
        }

        USearchIndex? graph = null;
        try
        {
            graph = new USearchIndex(path, false);
            if ((int)graph.Dimensions() != Dimension || (long)graph.Size() != _entries.Count)
            {
                problem = $"saved graph holds {graph.Size()} {graph.Dimensions()}-d vectors, the database {_entries.Count} {Dimension}-d";
                graph.Dispose();
                return false;
            }
        }
        catch (USearchException e)
        {
            graph?.Dispose();
            problem = $"unreadable graph ({e.Message})";
            return false;
        }

        _graph?.Dispose();
        _graph = graph;
        problem = null;
        return true;
    }

    /// <summary>Saves the graph and then its generation, each through a temp file and a rename, so neither is ever half written.</summary>
    public void SaveGraph(string path, long generation)
    {
        var sidecar = SidecarPath(path);
        if (_graph is null)
        {
            File.Delete(path);
        }
        else
        {
            var temp = path + ".tmp";
            _graph.Save(temp);
            File.Move(temp, path, overwrite: true);
        }

        var sidecarTemp = sidecar + ".tmp";
        File.WriteAllText(sidecarTemp, generation.ToString(CultureInfo.InvariantCulture));
        File.Move(sidecarTemp, sidecar, overwrite: true);
    }

    /// <summary>
    /// The <paramref name="top"/> rows most similar to <paramref name="query"/> among those the filter admits. A small or
    /// selective candidate set is searched exactly; otherwise HNSW is oversampled until enough admitted rows turn up.
    /// </summary>
    public IReadOnlyList<(long RowId, float Score)> Search(ReadOnlySpan<float> query, ChunkFilter filter, int top)
    {
        if (top == 0 || _entries.Count == 0 || !_byTenant.TryGetValue(filter.Tenant, out var tenantRows) || tenantRows.Count == 0)
        {
            return [];
        }

        if (query.Length != Dimension)
        {
            throw new VectorDimensionMismatchException(_name, Dimension, query.Length);
        }

        var unit = Normalised(query);
        var tags = filter.Tags is null ? null : new HashSet<string>(filter.Tags, StringComparer.Ordinal);
        IReadOnlyCollection<long> candidates = tenantRows;
        if (filter.DocumentIds is { } documentIds)
        {
            var rows = new List<long>();
            foreach (var documentId in documentIds.Distinct(StringComparer.Ordinal))
            {
                if (_byDocument.TryGetValue((filter.Tenant, documentId), out var documentRows))
                {
                    rows.AddRange(documentRows);
                }
            }

            candidates = rows;
        }

        if (tags is not null)
        {
            candidates = candidates.Where(row => HasAnyTag(_entries[row], tags)).ToList();
        }

        if (candidates.Count == 0)
        {
            return [];
        }

        var selective = candidates.Count < _entries.Count * _options.ExactSearchMaxFraction;
        if (_graph is null || candidates.Count <= _options.ExactSearchThreshold || selective)
        {
            return ExactSearch(unit, candidates, top);
        }

        var documents = filter.DocumentIds is null ? null : new HashSet<string>(filter.DocumentIds, StringComparer.Ordinal);
        return GraphSearch(unit, top, candidates.Count, entry =>
            entry.Tenant == filter.Tenant
            && (documents is null || documents.Contains(entry.DocumentId))
            && (tags is null || HasAnyTag(entry, tags)))
            ?? ExactSearch(unit, candidates, top);
    }

    /// <summary>Exact cosine top-k over every vector the filter admits (the filter applies before ranking).</summary>
    public IReadOnlyList<(long RowId, float Score)> ExactSearch(float[] unitQuery, IEnumerable<long> candidates, int top)
    {
        var best = new PriorityQueue<long, (float Score, long RowId)>(top + 1, WorstFirst.Instance);
        foreach (var row in candidates)
        {
            var score = TensorPrimitives.Dot(unitQuery, _entries[row].Vector);
            if (best.Count < top)
            {
                best.Enqueue(row, (score, row));
            }
            else if (best.TryPeek(out _, out var worst) && WorstFirst.Instance.Compare((score, row), worst) > 0)
            {
                best.DequeueEnqueue(row, (score, row));
            }
        }

        var results = new List<(long RowId, float Score)>(best.Count);
        while (best.TryDequeue(out var row, out var key))
        {
            results.Add((row, key.Score));
        }

        results.Reverse();
        return results;
    }

    public void Dispose()
    {
        _graph?.Dispose();
        _searchSlots.Dispose();
    }

    /// <summary>HNSW, asking for more neighbours each round until <paramref name="top"/> admitted ones are found; null when it gives up.</summary>
    private List<(long RowId, float Score)>? GraphSearch(float[] unitQuery, int top, int admittedCount, Func<VectorEntry, bool> admits)
    {
        var total = _entries.Count;
        // Expect admitted rows at their share of the index; ask for half again as many, plus a margin.
        var wanted = (int)Math.Min(total, Math.Ceiling(top * (double)total / admittedCount * 1.5) + 8);
        for (var round = 0; round < MaxHnswRounds; round++)
        {
            int found;
            ulong[] keys;
            float[] distances;
            _searchSlots.Wait();
            try
            {
                found = _graph!.Search(unitQuery, wanted, out keys, out distances);
            }
            finally
            {
                _searchSlots.Release();
            }

            var results = new List<(long RowId, float Score)>(top);
            for (var i = 0; i < found && results.Count < top; i++)
            {
                var row = (long)keys[i];
                if (_entries.TryGetValue(row, out var entry) && admits(entry))
                {
                    results.Add((row, 1f - distances[i]));
                }
            }

            if (results.Count >= top || found < wanted || wanted >= total)
            {
                return results.Count >= Math.Min(top, admittedCount) ? results : null;
            }

            wanted = (int)Math.Min(total, (long)wanted * 4);
        }

        return null;
    }

    private USearchIndex NewGraph() => new(
        MetricKind.Cos,
        ScalarKind.Float32,
        (ulong)Dimension,
        (ulong)_options.HnswConnectivity,
        (ulong)_options.HnswExpansionAdd,
        (ulong)_options.HnswExpansionSearch,
        false);

    private void Remember(VectorEntry entry)
    {
        _entries[entry.RowId] = entry;
        if (!_byTenant.TryGetValue(entry.Tenant, out var tenantRows))
        {
            _byTenant[entry.Tenant] = tenantRows = [];
        }

        tenantRows.Add(entry.RowId);
        var key = (entry.Tenant, entry.DocumentId);
        if (!_byDocument.TryGetValue(key, out var documentRows))
        {
            _byDocument[key] = documentRows = [];
        }

        documentRows.Add(entry.RowId);
    }

    private static bool HasAnyTag(VectorEntry entry, HashSet<string> tags)
    {
        foreach (var tag in entry.Tags)
        {
            if (tags.Contains(tag))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The vector scaled to unit length, so a dot product is the cosine similarity; a zero vector stays zero.</summary>
    public static float[] Normalised(ReadOnlySpan<float> vector)
    {
        var unit = vector.ToArray();
        var norm = TensorPrimitives.Norm(unit);
        if (norm > 0)
        {
            TensorPrimitives.Divide(unit, norm, unit);
        }

        return unit;
    }

    private static string SidecarPath(string graphPath) => graphPath + ".generation";

    /// <summary>Orders the heap so its head is the worst kept hit: lowest score, then highest row id.</summary>
    private sealed class WorstFirst : IComparer<(float Score, long RowId)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, long RowId) x, (float Score, long RowId) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.RowId.CompareTo(x.RowId);
        }
    }
}
