using RagStack.Documents;

namespace RagStack.Web.Hosting;

/// <summary>The web app's settings, bound from <c>RagStack:Web</c>.</summary>
public sealed class WebAppOptions
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string Section = RagStackSections.Web;

    /// <summary>
    /// The RAG API's base address. The default, <c>http://api</c>, is resolved by service discovery from
    /// <c>services:api:http:0</c>, which the Aspire AppHost sets; outside Aspire set it to the API's URL
    /// (e.g. <c>http://127.0.0.1:5180</c>).
    /// </summary>
    public Uri ApiUrl { get; set; } = new("http://api");

    /// <summary>The API key the web app sends (its tenant is the one every visitor of this web app acts for); null for none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The index chat and portal open on when the API has it (default <c>genai</c>, the sample corpus), else the first one.</summary>
    public string DefaultIndex { get; set; } = "genai";

    /// <summary>Largest file the portal sends, in bytes (default 64 MiB, the API's own limit); larger ones are refused before upload.</summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The file types the portal sends, by extension; others are refused before upload.</summary>
    public IReadOnlyList<string> AllowedExtensions { get; set; } = [".pdf", ".md", ".markdown", ".html", ".htm", ".docx", ".txt"];
}

/// <summary>Checks <c>RagStack:Web</c> at start, naming the setting and the reason.</summary>
internal sealed class WebAppOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<WebAppOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, WebAppOptions options)
    {
        var failures = new List<string>();
        if (options.ApiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{WebAppOptions.Section}:ApiUrl '{options.ApiUrl}' must be an absolute http(s) URL, such as http://127.0.0.1:5180.");
        }

        if (options.MaxUploadBytes <= 0)
        {
            failures.Add($"{WebAppOptions.Section}:MaxUploadBytes '{options.MaxUploadBytes}' must be positive.");
        }

        if (!IndexName.IsValid(options.DefaultIndex))
        {
            failures.Add($"{WebAppOptions.Section}:DefaultIndex '{options.DefaultIndex}' is not a valid index name; {IndexName.Rule}");
        }

        if (options.AllowedExtensions.Count == 0 || options.AllowedExtensions.Any(e => e is not ['.', _, ..]))
        {
            failures.Add($"{WebAppOptions.Section}:AllowedExtensions must list extensions that start with a dot, such as .pdf.");
        }

        return failures.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);
    }
}
