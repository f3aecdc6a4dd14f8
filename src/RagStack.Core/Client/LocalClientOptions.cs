namespace RagStack.Client;

/// <summary>The in-process <see cref="IRagStackClient"/>'s settings, bound from <see cref="Section"/>.</summary>
public sealed class LocalClientOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.LocalClient;

    /// <summary>The tenant every call acts for; default <c>local</c>, the tenant of the CLI and of an API without keys.</summary>
    public string Tenant { get; set; } = "local";
}
