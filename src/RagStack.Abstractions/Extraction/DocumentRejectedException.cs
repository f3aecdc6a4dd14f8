namespace RagStack.Extraction;

/// <summary>Why a document was refused.</summary>
public enum RejectionReason
{
    Unsupported,
    Empty,
    TooLarge,
    Encrypted,
    Corrupt,
    TimedOut,
}

/// <summary>
/// A document that cannot be ingested, with a message a user can act on
/// (e.g. "PDF is encrypted; supply its password with --pdf-password"). The pipeline records it on the document.
/// </summary>
public sealed class DocumentRejectedException : Exception
{
    public DocumentRejectedException(RejectionReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public DocumentRejectedException()
        : this(RejectionReason.Corrupt, "The document was rejected.")
    {
    }

    public DocumentRejectedException(string message)
        : this(RejectionReason.Corrupt, message)
    {
    }

    public DocumentRejectedException(string message, Exception innerException)
        : this(RejectionReason.Corrupt, message, innerException)
    {
    }

    public RejectionReason Reason { get; }
}
