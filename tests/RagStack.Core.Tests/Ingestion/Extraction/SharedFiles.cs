using RagStack.Testing;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

/// <summary>Finds the real-world files in <c>../shared</c> next to the repository; tests that need them skip when absent.</summary>
internal static class SharedFiles
{
    public static string? PdfFolder { get; } = RepositoryFolders.Shared("pdfs");

    /// <summary>The path of a shared PDF; skips the calling test when the folder is absent.</summary>
    public static string Pdf(string name)
    {
        Skip.IfNot(PdfFolder is not null, "../shared/pdfs not found: real-world PDFs are absent");
        return Path.Combine(PdfFolder!, name);
    }
}
