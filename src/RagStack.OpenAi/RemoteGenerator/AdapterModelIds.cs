namespace RagStack.OpenAi.RemoteGenerator;

/// <summary>
/// How an OpenAI-compatible model id names a base model through one of its LoRA adapters: <c>&lt;model&gt;+&lt;adapter&gt;</c>.
/// The model host serves its adapters under these ids and the remote generator asks for them, so both read this one rule.
/// </summary>
public static class AdapterModelIds
{
    /// <summary>The separator between the model and its adapter: <c>+</c>.</summary>
    public const string Separator = "+";

    /// <summary>The id of <paramref name="model"/> through <paramref name="adapter"/>.</summary>
    public static string Compose(string model, string adapter) => model + Separator + adapter;
}
