namespace RagStack.AppHost;

/// <summary>The model id the model host serves its model under and the RAG service asks for.</summary>
internal static class ModelIds
{
    public const string Served = "rag";
}
