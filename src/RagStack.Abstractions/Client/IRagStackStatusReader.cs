namespace RagStack;

/// <summary>Says what a RagStack can do for a tenant (see <see cref="RagStackStatus"/>).</summary>
public interface IRagStackStatusReader
{
    /// <summary>The generator and embedding models, the tenant's indexes and the configured domains.</summary>
    Task<RagStackStatus> ReadAsync(string tenant, CancellationToken cancellationToken = default);
}
