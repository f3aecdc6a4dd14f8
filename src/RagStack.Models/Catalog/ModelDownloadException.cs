namespace RagStack.Models.Catalog;

/// <summary>A model download failed; the message says why and what to do about it.</summary>
public class ModelDownloadException : Exception
{
    /// <summary>Creates the error for a download of <paramref name="source"/>.</summary>
    public ModelDownloadException(Uri source, string message, Exception? innerException = null)
        : base(message, innerException) => Url = source;

    /// <summary>The URL that was being downloaded.</summary>
    public Uri Url { get; }
}

/// <summary>The source could not be reached at all (offline, DNS, refused connection, timeout); pull can then only be done by hand.</summary>
public sealed class ModelSourceUnreachableException : ModelDownloadException
{
    /// <summary>Creates the error naming the host, the reason and the folder a hand-copied file belongs in.</summary>
    public ModelSourceUnreachableException(Uri source, string reason, string modelsDirectory, Exception? innerException = null)
        : base(source, $"cannot reach {source.Host}: {reason}. Download the file on a connected machine and pass its path with --model, or copy it into {modelsDirectory}", innerException)
    {
        Host = source.Host;
        Reason = reason;
    }

    /// <summary>The host that could not be reached.</summary>
    public string Host { get; }

    /// <summary>Why, in a few words (the socket or DNS error).</summary>
    public string Reason { get; }
}

/// <summary>The downloaded bytes do not have the SHA-256 that was expected; the partial file has been deleted.</summary>
public sealed class ModelChecksumMismatchException : ModelDownloadException
{
    /// <summary>Creates the error naming the file and both hashes.</summary>
    public ModelChecksumMismatchException(Uri source, string fileName, string expectedSha256, string actualSha256)
        : base(source, $"{fileName} has SHA-256 {actualSha256}, expected {expectedSha256}; the download was deleted. Run the command again, or check the expected hash.")
    {
        FileName = fileName;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The file that was being downloaded.</summary>
    public string FileName { get; }

    /// <summary>The hash the caller expected (lower-case hex).</summary>
    public string ExpectedSha256 { get; }

    /// <summary>The hash of the bytes that arrived (lower-case hex).</summary>
    public string ActualSha256 { get; }
}

/// <summary>What arrived is not a GGUF file (typically an HTML error or login page); nothing was installed.</summary>
public sealed class ModelFileNotGgufException : ModelDownloadException
{
    /// <summary>Creates the error naming the file and showing how the bytes that arrived begin.</summary>
    public ModelFileNotGgufException(Uri source, string fileName, string startsWith)
        : base(source, $"{fileName} from {source} is not a GGUF file (it starts with {startsWith}); the server probably sent an error or login page. Nothing was installed.")
        => FileName = fileName;

    /// <summary>The file that was being downloaded.</summary>
    public string FileName { get; }
}
