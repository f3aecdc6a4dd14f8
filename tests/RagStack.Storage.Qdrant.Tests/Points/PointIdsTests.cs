using RagStack.Storage.Qdrant.Points;

namespace RagStack.Storage.Qdrant.Tests.Points;

public sealed class PointIdsTests
{
    [Fact]
    public void The_same_chunk_always_gets_the_same_uuid()
    {
        Assert.Equal(PointIds.For("local", "docs", "abc#0#1f2e"), PointIds.For("local", "docs", "abc#0#1f2e"));
    }

    [Fact]
    public void The_same_chunk_id_in_another_tenant_or_index_is_another_point()
    {
        var id = PointIds.For("a", "docs", "doc#0");

        Assert.NotEqual(id, PointIds.For("b", "docs", "doc#0"));
        Assert.NotEqual(id, PointIds.For("a", "legal", "doc#0"));
        Assert.NotEqual(id, PointIds.For("a", "docs", "doc#1"));
        // The separator keeps "a␟bc" and "ab␟c" apart.
        Assert.NotEqual(PointIds.For("a", "bc", "x"), PointIds.For("ab", "c", "x"));
    }

    [Fact]
    public void Point_ids_are_version_8_rfc_uuids_from_sha256()
    {
        var text = PointIds.For("local", "docs", "doc#0").ToString();
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("local\u001fdocs\u001fdoc#0"u8.ToArray()))[..32].ToCharArray();
        expected[12] = '8';
        expected[16] = "89ab"[Convert.ToInt32(expected[16].ToString(), 16) & 0x3];

        Assert.Equal(new string(expected), text.Replace("-", "", StringComparison.Ordinal));
    }
}
