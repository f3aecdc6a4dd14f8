using Microsoft.Extensions.Options;
using RagStack.Extraction;
using RagStack.Ingestion;
using RagStack.Ingestion.Extraction;
using RagStack.Storage;

namespace RagStack.Documents;

/// <summary>
/// Reads a document for a viewer: its stored original extracted again (extraction is deterministic, so the text is the
/// one its chunks' spans point into), the pages and sections of the extracted blocks, and its chunks from the store.
/// </summary>
internal sealed class DocumentContentReader(
    IDocumentCatalog catalog, IBlobStore blobs, IChunkStore chunks, ExtractionRunner extraction, IOptions<IngestionOptions> options) : IDocumentContentReader
{
    public async Task<DocumentContent?> ReadAsync(string tenant, string index, string documentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(index);
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        if (await catalog.GetAsync(tenant, documentId, cancellationToken) is not { } document || document.Index != index)
        {
            return null;
        }

        var info = DocumentInfo.From(document);
        if (await ExtractAsync(document, cancellationToken) is not { } extracted)
        {
            return new DocumentContent(info, "", [], [], []);
        }

        var stored = await chunks.GetDocumentChunksAsync(tenant, index, documentId, cancellationToken);
        return new DocumentContent(
            info,
            extracted.Text,
            Pages(extracted),
            Sections(extracted),
            [.. stored.Select(c => new ChunkSpan(c.Id, c.Position, c.Start, c.End - c.Start, c.Page, c.Section))]);
    }

    private async Task<ExtractedDocument?> ExtractAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        await using var content = blobs.OpenRead(document.ContentHash);
        if (content is null)
        {
            return null;
        }

        using var bytes = new MemoryStream();
        await content.CopyToAsync(bytes, cancellationToken);
        try
        {
            return await extraction.ExtractAsync(bytes.GetBuffer().AsMemory(0, (int)bytes.Length), document.Name, options.Value.Extraction, cancellationToken);
        }
        catch (DocumentRejectedException)
        {
            // The pipeline refused it the same way; the document's error says why.
            return null;
        }
    }

    /// <summary>Consecutive blocks of one page form its span, from its first block's start to its last block's end.</summary>
    internal static IReadOnlyList<PageSpan> Pages(ExtractedDocument extracted)
    {
        var pages = new List<PageSpan>();
        for (var i = 0; i < extracted.Blocks.Count; i++)
        {
            if (extracted.Blocks[i].Page is not { } page)
            {
                continue;
            }

            var end = extracted.BlockStarts[i] + extracted.Blocks[i].Text.Length;
            if (pages.Count > 0 && pages[^1].Page == page)
            {
                pages[^1] = pages[^1] with { Length = end - pages[^1].Start };
            }
            else
            {
                pages.Add(new PageSpan(page, extracted.BlockStarts[i], end - extracted.BlockStarts[i]));
            }
        }

        return pages;
    }

    /// <summary>Each heading's section runs to the next heading of its level or above, or to the end of the text.</summary>
    internal static IReadOnlyList<SectionSpan> Sections(ExtractedDocument extracted)
    {
        var headings = extracted.Blocks
            .Select((block, i) => (Block: block, Start: extracted.BlockStarts[i]))
            .Where(b => b.Block.Kind == BlockKind.Heading)
            .ToList();
        var sections = new List<SectionSpan>(headings.Count);
        for (var h = 0; h < headings.Count; h++)
        {
            var (block, start) = headings[h];
            var level = Math.Clamp(block.HeadingLevel, 1, 6);
            var end = headings.Skip(h + 1).FirstOrDefault(n => Math.Clamp(n.Block.HeadingLevel, 1, 6) <= level) is { Block: not null } next ? next.Start : extracted.Text.Length;
            var heading = block.Text.Trim();
            var path = block.SectionPath.Count > 0 && block.SectionPath[^1] == heading ? block.SectionPath : [.. block.SectionPath, heading];
            sections.Add(new SectionSpan(string.Join(" › ", path), level, heading, start, end - start));
        }

        return sections;
    }
}
