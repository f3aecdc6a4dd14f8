namespace RagStack.Models.Catalog;

/// <summary>A generator model in the models folder: pulled and registered, or a GGUF file copied there by hand.</summary>
/// <param name="Name">The name to use it by: the catalogue name or file stem it was pulled under, or the file name without <c>.gguf</c>.</param>
/// <param name="Path">The full path of the file.</param>
/// <param name="SizeBytes">Its size on disk.</param>
/// <param name="Sha256">The SHA-256 recorded when it was pulled (lower-case hex); null for a file copied by hand.</param>
/// <param name="ChecksumVerified">True when that hash was checked against a published or given one; false when it was only computed.</param>
/// <param name="SourceUrl">Where it was pulled from; null for a file copied by hand.</param>
/// <param name="PulledAt">When it was pulled; null for a file copied by hand.</param>
/// <param name="Registered">False for a file copied into the folder by hand.</param>
public sealed record InstalledModel(string Name, string Path, long SizeBytes, string? Sha256, bool ChecksumVerified, Uri? SourceUrl, DateTimeOffset? PulledAt, bool Registered);
