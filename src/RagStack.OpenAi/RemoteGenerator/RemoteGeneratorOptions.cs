namespace RagStack.OpenAi.RemoteGenerator;

/// <summary>
/// An OpenAI-compatible server that writes answers (the model host, llama.cpp's server, vLLM, …), bound from
/// <c>RagStack:RemoteGenerator</c>. A domain's adapter is asked for as the model <c>&lt;Model&gt;+&lt;domain&gt;</c>.
/// </summary>
public sealed class RemoteGeneratorOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.RemoteGenerator;

    /// <summary>The server's OpenAI base URL, ending in <c>/v1</c>, e.g. the model host's <c>http://localhost:5080/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model id to request (the model host's base model id).</summary>
    public string? Model { get; set; }

    /// <summary>The API key sent to the server; null for none (the model host needs none).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The endpoint as an absolute http(s) URI, or null when it is not one.</summary>
    internal Uri? EndpointUri =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
}
