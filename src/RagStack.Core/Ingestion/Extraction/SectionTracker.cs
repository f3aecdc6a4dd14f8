using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction;

/// <summary>
/// Keeps the path of headings above the current position while a structured document is read in order: a heading
/// closes every open heading at its level or deeper.
/// </summary>
internal sealed class SectionTracker
{
    private readonly List<(int Level, string Text)> _open = [];

    /// <summary>The headings above the current position, outermost first.</summary>
    public IReadOnlyList<string> Path => [.. _open.Select(h => h.Text)];

    /// <summary>Opens a heading; returns the heading block, whose own path holds only the headings above it.</summary>
    public ExtractedBlock Heading(string text, int level, int? page = null)
    {
        level = Math.Clamp(level, 1, 6);
        _open.RemoveAll(h => h.Level >= level);
        var block = new ExtractedBlock(text, BlockKind.Heading, page, Path) { HeadingLevel = level };
        _open.Add((level, text));
        return block;
    }

    /// <summary>A body block under the open headings.</summary>
    public ExtractedBlock Block(string text, BlockKind kind, int? page = null) => new(text, kind, page, Path);
}
