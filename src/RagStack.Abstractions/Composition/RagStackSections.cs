namespace RagStack;

/// <summary>
/// Every configuration section under <c>RagStack</c>, in one place: each options type binds from its own, and a key under
/// <c>RagStack</c> outside these is refused by name at start, so a misspelt <c>RagStack:Retreival</c> never silently
/// changes nothing. One data folder's <c>ragstack.json</c> is read the same way by the API, the CLI and the model host.
/// </summary>
public static class RagStackSections
{
    /// <summary><c>RagStack</c>: the root of every setting.</summary>
    public const string Root = "RagStack";

    /// <summary><c>RagStack:DataDirectory</c>: the data folder (database, indexes, originals, <c>ragstack.json</c>).</summary>
    public const string DataDirectory = "RagStack:DataDirectory";

    /// <summary><c>RagStack:VectorStore</c>: which store holds chunks and vectors.</summary>
    public const string VectorStore = "RagStack:VectorStore";

    /// <summary><c>RagStack:Ingestion</c>: chunking, extraction limits and embedding batches.</summary>
    public const string Ingestion = "RagStack:Ingestion";

    /// <summary><c>RagStack:Retrieval</c>: hybrid search and fusion.</summary>
    public const string Retrieval = "RagStack:Retrieval";

    /// <summary><c>RagStack:Answering</c>: context packing, relevance threshold, extractive answers.</summary>
    public const string Answering = "RagStack:Answering";

    /// <summary><c>RagStack:Domains</c>: domains by name (index, adapter, scale, system prompt).</summary>
    public const string Domains = "RagStack:Domains";

    /// <summary><c>RagStack:Storage:Embedded</c>: the embedded store's search and index settings.</summary>
    public const string EmbeddedStore = "RagStack:Storage:Embedded";

    /// <summary><c>RagStack:Qdrant</c>: the Qdrant store.</summary>
    public const string Qdrant = "RagStack:Qdrant";

    /// <summary><c>RagStack:Embeddings</c>: the local ONNX embedding model's batching and threads.</summary>
    public const string Embeddings = "RagStack:Embeddings";

    /// <summary><c>RagStack:CrossEncoder</c>: the ONNX cross-encoder reranker's folder and batching.</summary>
    public const string CrossEncoder = "RagStack:CrossEncoder";

    /// <summary><c>RagStack:Generator</c>: a GGUF generator model loaded in process by llama.cpp.</summary>
    public const string Generator = "RagStack:Generator";

    /// <summary><c>RagStack:RemoteGenerator</c>: an OpenAI-compatible server that writes answers.</summary>
    public const string RemoteGenerator = "RagStack:RemoteGenerator";

    /// <summary><c>RagStack:Images</c>: image generation.</summary>
    public const string Images = "RagStack:Images";

    /// <summary><c>RagStack:LocalClient</c>: the tenant the in-process client acts for.</summary>
    public const string LocalClient = "RagStack:LocalClient";

    /// <summary><c>RagStack:Api</c>: the RAG service's question queue.</summary>
    public const string Api = "RagStack:Api";

    /// <summary><c>RagStack:Uploads</c>: the RAG service's upload limits and sample-corpus seed.</summary>
    public const string Uploads = "RagStack:Uploads";

    /// <summary><c>RagStack:ApiKeys</c>: the RAG service's API keys and their tenants.</summary>
    public const string ApiKeys = "RagStack:ApiKeys";

    /// <summary><c>RagStack:ModelHost</c>: what the model host serves (model id, adapters).</summary>
    public const string ModelHost = "RagStack:ModelHost";

    /// <summary><c>RagStack:Web</c>: the web app (the API it talks to, its key, the default index, upload limits).</summary>
    public const string Web = "RagStack:Web";

    /// <summary>Every section above but the root.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        DataDirectory, VectorStore, Ingestion, Retrieval, Answering, Domains, EmbeddedStore, Qdrant, Embeddings,
        CrossEncoder, Generator, RemoteGenerator, Images, LocalClient, Api, Uploads, ApiKeys, ModelHost, Web,
    ];
}
