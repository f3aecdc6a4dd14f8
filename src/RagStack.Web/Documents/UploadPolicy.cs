using Microsoft.Extensions.Options;
using RagStack.Web.Hosting;

namespace RagStack.Web.Documents;

/// <summary>What the portal refuses before sending a file, with the reason: a type the API does not ingest, or a file too large.</summary>
public sealed class UploadPolicy(IOptions<WebAppOptions> options)
{
    /// <summary>The extensions accepted, for the file chooser's <c>accept</c>.</summary>
    public string Accept => string.Join(',', options.Value.AllowedExtensions);

    public long MaxBytes => options.Value.MaxUploadBytes;

    /// <summary>Why the file is refused; null when it may be sent.</summary>
    public string? Refusal(string name, long size)
    {
        var extension = Path.GetExtension(name);
        if (!options.Value.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
        {
            return $"{(extension.Length == 0 ? "Files without an extension" : extension + " files")} are not ingested; send {string.Join(", ", options.Value.AllowedExtensions)}.";
        }

        if (size > options.Value.MaxUploadBytes)
        {
            return $"The file is {Size(size)}, over the {Size(options.Value.MaxUploadBytes)} limit.";
        }

        return size == 0 ? "The file is empty." : null;
    }

    /// <summary>A size for a person: "12.3 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KB",
        _ => $"{bytes / (1024.0 * 1024):F1} MB",
    };
}
