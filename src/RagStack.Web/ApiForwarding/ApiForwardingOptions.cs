namespace RagStack.Web.ApiForwarding;

/// <summary>Where the web app forwards <c>/api/*</c> requests, bound from <c>RagStack:Web</c>.</summary>
public sealed class ApiForwardingOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = "RagStack:Web";

    /// <summary>
    /// The RAG service's base address. The default, <c>http://api</c>, is resolved by service discovery from
    /// <c>services:api:http:0</c>, which the Aspire AppHost sets; outside Aspire set it to the service's URL
    /// (<c>http://127.0.0.1:5180</c> by default).
    /// </summary>
    public Uri ApiUrl { get; set; } = new("http://api");
}
