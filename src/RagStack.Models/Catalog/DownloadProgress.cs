namespace RagStack.Models.Catalog;

/// <summary>How far a model download has come: bytes on disk (including a resumed prefix), the full size when the server said it, and the current speed.</summary>
/// <param name="BytesReceived">Bytes of the file on disk so far, counting the part kept from an earlier attempt.</param>
/// <param name="TotalBytes">The file's full size, or null when the server did not say.</param>
/// <param name="BytesPerSecond">Speed of this attempt, averaged since it started.</param>
/// <param name="ResumedFrom">Bytes kept from an earlier attempt; 0 when the download started from the beginning.</param>
public sealed record DownloadProgress(long BytesReceived, long? TotalBytes, double BytesPerSecond, long ResumedFrom);
