using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagStack.Answering;
using RagStack.Documents;
using RagStack.Domains;

namespace RagStack.Diagnostics;

/// <summary>The status from what is composed: the chat client (if any) and its metadata, the embedding generator's, the catalog's indexes and the domains.</summary>
internal sealed class RagStackStatusReader(
    IDocumentCatalog catalog,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IChatClient? chatClient,
    IOptions<DomainsOptions> domains,
    IOptions<AnsweringOptions> answering) : IRagStackStatusReader
{
    public async Task<RagStackStatus> ReadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        var documents = await catalog.ListAsync(tenant, null, cancellationToken);
        var model = chatClient?.GetService<ChatClientMetadata>() is { } metadata
            ? metadata.DefaultModelId ?? metadata.ProviderUri?.Segments[^1]
            : null;
        return new RagStackStatus
        {
            Generator = chatClient is not null,
            GeneratorModel = chatClient is null ? null : model ?? "unnamed",
            GeneratorHint = chatClient is null ? answering.Value.ExtractiveNotice : null,
            EmbeddingModel = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId,
            Indexes = [.. documents.Select(d => d.Index).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Domains = [.. domains.Value.OrderBy(d => d.Key, StringComparer.OrdinalIgnoreCase).Select(d => new DomainInfo(d.Key, DomainIndex.Of((d.Key, d.Value))))],
        };
    }
}
