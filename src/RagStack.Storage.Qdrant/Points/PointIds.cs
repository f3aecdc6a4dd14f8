using System.Security.Cryptography;
using System.Text;

namespace RagStack.Storage.Qdrant.Points;

/// <summary>
/// Qdrant point ids from chunk ids. Qdrant takes integers or UUIDs only, so a chunk's id (deterministic: document,
/// position, content hash) is hashed with its tenant and index into a name-based UUID: re-ingesting a chunk overwrites
/// its point instead of adding a second, and the same chunk id in two tenants is two points.
/// </summary>
internal static class PointIds
{
    /// <summary>The point id of a chunk: the first 16 bytes of SHA-256(tenant ␟ index ␟ chunk id) as an RFC 9562 version-8 UUID.</summary>
    public static Guid For(string tenant, string index, string chunkId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}\u001f{index}\u001f{chunkId}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom, name-based
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122/9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}
