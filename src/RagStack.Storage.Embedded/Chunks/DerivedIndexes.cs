using System.Security.Cryptography;
using System.Text;
using RagStack.Chunks;
using RagStack.Storage.Embedded.Keyword;
using RagStack.Storage.Embedded.Vectors;

namespace RagStack.Storage.Embedded.Chunks;

/// <summary>The keyword and vector indexes of one chunk index, both derived from its rows in SQLite.</summary>
internal sealed class DerivedIndexes(string name, KeywordIndex keyword, VectorIndex vectors, string graphPath) : IDisposable
{
    public string Name { get; } = name;

    public KeywordIndex Keyword { get; } = keyword;

    public VectorIndex Vectors { get; } = vectors;

    public string GraphPath { get; } = graphPath;

    /// <summary>The SQLite generation of the last write to this index; both derived indexes reflect it in memory.</summary>
    public long Generation { get; set; }

    /// <summary>True when memory holds writes that are not yet persisted.</summary>
    public bool Dirty { get; set; }

    /// <summary>
    /// A file name for an index name: the name itself when it is plainly safe, otherwise a hash of it, so no index name
    /// can reach outside the data folder or collide with another on a case-insensitive file system.
    /// </summary>
    public static string FolderName(string index) =>
        index.Length <= 64 && index.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_') && !index.StartsWith('_')
            ? index
            : "_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(index)))[..32];

    /// <summary>Commits the keyword index and saves the vector graph, each recording <see cref="Generation"/>.</summary>
    public void Persist()
    {
        Keyword.Commit(Generation);
        Vectors.SaveGraph(GraphPath, Generation);
        Dirty = false;
    }

    public void Dispose()
    {
        Keyword.Dispose();
        Vectors.Dispose();
    }
}
