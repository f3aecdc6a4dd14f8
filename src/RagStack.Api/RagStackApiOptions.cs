namespace RagStack.Api;

/// <summary>
/// The RAG service's own settings, bound from <c>RagStack</c>: where its data folder is and which generator model writes
/// answers. Domains are bound from <c>RagStack:Domains</c> (see <c>DomainsOptions</c>).
/// </summary>
public sealed class RagStackApiOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = "RagStack";

    /// <summary>
    /// The data folder (database, indexes, originals); null for <c>RAGSTACK_DATA</c>, else the same folder the CLI uses
    /// (<c>~/.local/share/ragstack</c> on Linux).
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>The generator model; without one, answers are extractive (the best passages, cited).</summary>
    public GeneratorModelSettings Model { get; set; } = new();

    /// <summary>How many questions are answered at once and how many wait, bound from <c>RagStack:Api</c>.</summary>
    public AskLimitSettings Api { get; set; } = new();
}

/// <summary>
/// The generator model that writes answers, bound from <c>RagStack:Model</c>: a GGUF file loaded in process
/// (<see cref="Path"/>), or an OpenAI-compatible server such as the model host (<see cref="Endpoint"/>); not both.
/// </summary>
public sealed class GeneratorModelSettings
{
    /// <summary>Path of a GGUF model; null or empty for none.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Base URL of an OpenAI-compatible server ending in <c>/v1</c>, e.g. the model host's <c>http://localhost:5080/v1</c>;
    /// null or empty for none. A domain's adapter is asked for as the model <c>&lt;Id&gt;+&lt;domain&gt;</c>, the model
    /// host's naming, so the server must serve each domain's adapter under the domain's name.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The model id to request from <see cref="Endpoint"/> (the model host's base model id); required with it.</summary>
    public string? Id { get; set; }

    /// <summary>The API key sent to <see cref="Endpoint"/>; null for none (the model host needs none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The window, prompt and reply, that a model loaded in process (<see cref="Path"/>) is given; 0 for the model's own
    /// (capped). A model server's window is the server's: tell the answer packing with <c>RagStack:Answering:ContextLength</c>.
    /// </summary>
    public int ContextLength { get; set; }
}

/// <summary>
/// The bound queue of questions (<c>/api/ask</c> and <c>/v1/chat/completions</c>), bound from <c>RagStack:Api</c>: this
/// many are answered at once, this many more wait in line (first come, first served), and beyond that the service
/// answers 429 with <c>Retry-After</c>.
/// </summary>
public sealed class AskLimitSettings
{
    /// <summary>Questions answered at once; default 4, the generator's default number of parallel requests.</summary>
    public int MaxConcurrentAsks { get; set; } = 4;

    /// <summary>Questions that may wait for a free slot; default 16, 0 for none.</summary>
    public int AskQueueLimit { get; set; } = 16;
}
