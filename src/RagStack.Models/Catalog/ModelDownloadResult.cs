namespace RagStack.Models.Catalog;

/// <summary>A finished download: the installed file, its size and SHA-256, and whether that hash was checked against an expected one.</summary>
/// <param name="Path">The full path of the installed file.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">The SHA-256 of its bytes, lower-case hex.</param>
/// <param name="ChecksumVerified">True when the hash was compared with an expected hash and matched; false when none was known.</param>
/// <param name="ResumedFrom">Bytes kept from an earlier, interrupted attempt; 0 when the download started from the beginning.</param>
public sealed record ModelDownloadResult(string Path, long Length, string Sha256, bool ChecksumVerified, long ResumedFrom);
