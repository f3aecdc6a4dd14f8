namespace RagStack.Ingestion.Partitioning;

/// <summary>A piece of a document's extracted text: a span of it, with the page it starts on and its section path.</summary>
public sealed record TextChunk(int Position, string Text, int Start, int End, int? Page, IReadOnlyList<string> SectionPath, int TokenCount);
