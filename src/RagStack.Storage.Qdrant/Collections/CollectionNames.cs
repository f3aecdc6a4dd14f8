using System.Text;

namespace RagStack.Storage.Qdrant;

/// <summary>
/// One collection per embedding model, as Qdrant's multitenancy guidance advises (tenants and indexes are payload
/// filters inside it, not collections of their own): <c>ragstack_&lt;model&gt;_&lt;dimensions&gt;</c>.
/// </summary>
internal static class CollectionNames
{
    private const int MaxLength = 255;

    /// <summary>The collection of <paramref name="modelId"/>'s vectors: its last path segment, lower case, other characters as '-'.</summary>
    public static string ForModel(string modelId, int dimensions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var name = modelId.Split('/', '\\')[^1].ToLowerInvariant();
        var slug = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }

        var model = slug.ToString().Trim('-');
        var full = $"ragstack_{(model.Length == 0 ? "model" : model)}_{dimensions}";
        return full.Length <= MaxLength ? full : full[..MaxLength];
    }

    /// <summary>Whether Qdrant (and a URL path) takes <paramref name="name"/> as it is.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= MaxLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
