namespace RagStack.Api.Tenancy;

/// <summary>One API key and the tenant it acts for.</summary>
public sealed class ApiKey
{
    /// <summary>The secret a client sends as <c>Authorization: Bearer &lt;key&gt;</c> (as OpenAI clients do) or <c>X-Api-Key</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>The tenant whose documents and indexes the key reaches; nothing else.</summary>
    public string Tenant { get; set; } = "";
}

/// <summary>
/// The API keys, bound from <c>RagStack:ApiKeys</c> (a list: <c>RagStack__ApiKeys__0__Key</c>,
/// <c>RagStack__ApiKeys__0__Tenant</c>). With none, the service runs in local single-user mode: one tenant
/// (<c>local</c>), served on loopback only.
/// </summary>
public sealed class ApiKeysOptions
{
    /// <summary>The configuration section the keys are bound from.</summary>
    public const string Section = RagStackSections.ApiKeys;

    /// <summary>The keys; empty for local single-user mode.</summary>
    public IList<ApiKey> Keys { get; } = [];
}
