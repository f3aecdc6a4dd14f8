namespace RagStack.AppHost;

/// <summary>The places in and beside the repository the AppHost defaults to, found from the AppHost's own project folder.</summary>
internal sealed record RepositoryPaths(string Root)
{
    /// <summary>The small model shipped beside the repository on dev and CI machines (<c>../shared/models</c>).</summary>
    public string DefaultModel => Path.GetFullPath(Path.Combine(Root, "..", "shared", "models", "stories260K.gguf"));

    /// <summary>The RAG service's data folder when none is given; ignored by git.</summary>
    public string DefaultDataDirectory => Path.Combine(Root, ".ragstack-data");

    /// <summary>The sample corpus the service ingests into an empty data folder on its first start.</summary>
    public string SampleCorpus => Path.Combine(Root, "corpora", "genai-engineering");

    /// <summary>The repository of an AppHost project in <c>apphost/RagStack.AppHost</c>.</summary>
    public static RepositoryPaths FromAppHostDirectory(string appHostDirectory) =>
        new(Path.GetFullPath(Path.Combine(appHostDirectory, "..", "..")));
}
