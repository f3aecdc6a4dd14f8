namespace RagStack.Domains;

/// <summary>
/// A domain's adapter could not be loaded into the generator: the file is missing, is not a LoRA adapter, or was made for
/// another base model. The message starts with the file and names the domain.
/// </summary>
public sealed class DomainAdapterException : InvalidOperationException
{
    public DomainAdapterException(string domain, string adapterPath, Exception inner)
        : base(Describe(domain, adapterPath, inner.Message), inner)
    {
        Domain = domain;
        AdapterPath = adapterPath;
    }

    /// <summary>The domain whose adapter failed.</summary>
    public string Domain { get; }

    /// <summary>The adapter file as configured.</summary>
    public string AdapterPath { get; }

    private static string Describe(string domain, string path, string reason)
    {
        // The registry's messages already start with "<file>: "; one prefix is enough.
        var why = reason.StartsWith(path + ":", StringComparison.Ordinal) ? reason[(path.Length + 1)..].Trim() : reason;
        return $"{path}: {why} (domain '{domain}')";
    }
}
