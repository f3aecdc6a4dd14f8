using System.Security.Cryptography;
using System.Text;

namespace RagStack.Ingestion;

/// <summary>Deterministic ids: a document's id follows from where it lives, a chunk's from its document, place and text.</summary>
public static class DocumentIds
{
    /// <summary>The id of the document named <paramref name="name"/> in an index of a tenant; stable across changes of its bytes.</summary>
    public static string ForDocument(string tenant, string index, string name) =>
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\n{index}\n{name}")), 16);

    /// <summary>The id of a chunk: document id, position and a hash of its text, so unchanged text keeps its id.</summary>
    public static string ForChunk(string documentId, int position, string text) =>
        $"{documentId}-{position:D5}-{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 6)}";

    private static string Hex(byte[] hash, int bytes) => Convert.ToHexStringLower(hash.AsSpan(0, bytes));
}
