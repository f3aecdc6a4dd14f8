using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using RagStack.Answering;
using RagStack.Retrieval;

namespace RagStack.Web.Markdown;

/// <summary>
/// Turns an answer's Markdown (written by a model from document text, so never trusted as HTML) into safe HTML: Markdig
/// with raw HTML off, then HtmlSanitizer, then each <c>[n]</c> that names a source becomes a citation chip whose popover
/// and link are built here from encoded text.
/// </summary>
public sealed partial class AnswerMarkup
{
    // Private-use characters mark a citation through Markdown and sanitising; any in the input are dropped first.
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    /// <summary>The answer as HTML, with chips for the <c>[n]</c> that <paramref name="sources"/> hold, linking into the viewer of <paramref name="index"/>.</summary>
    public string Render(string markdown, IReadOnlyList<AnswerSource> sources, string? index)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        ArgumentNullException.ThrowIfNull(sources);
        var text = markdown.Replace(Open.ToString(), "", StringComparison.Ordinal).Replace(Close.ToString(), "", StringComparison.Ordinal);
        var numbers = sources.Select(s => s.Number).ToHashSet();
        text = CitationNumber().Replace(text, m =>
            numbers.Contains(int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)) ? $"{Open}{m.Groups[1].Value}{Close}" : m.Value);
        var html = _sanitizer.Sanitize(Markdig.Markdown.ToHtml(text, _pipeline));
        var bySource = sources.GroupBy(s => s.Number).ToDictionary(g => g.Key, g => g.First());

        // Inside code a citation stays the text it was; elsewhere it becomes a chip.
        var result = new StringBuilder(html.Length);
        var at = 0;
        foreach (Match code in CodeElement().Matches(html))
        {
            result.Append(Marker().Replace(html[at..code.Index], m => Chip(bySource[Number(m)], index)));
            result.Append(Marker().Replace(code.Value, m => $"[{Number(m)}]"));
            at = code.Index + code.Length;
        }

        result.Append(Marker().Replace(html[at..], m => Chip(bySource[Number(m)], index)));
        return result.ToString();
    }

    private static int Number(Match marker) => int.Parse(marker.Groups[1].ValueSpan, CultureInfo.InvariantCulture);

    /// <summary>The source numbers <paramref name="markdown"/> cites, in the order first cited.</summary>
    public static IReadOnlyList<int> CitedNumbers(string markdown) =>
        [.. CitationNumber().Matches(markdown).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).Distinct()];

    /// <summary>The viewer's address for a source: its document, with the cited passage's span.</summary>
    public static string ViewerHref(string? index, Citation citation)
    {
        ArgumentNullException.ThrowIfNull(citation);
        return $"documents/{Uri.EscapeDataString(index ?? "default")}/{Uri.EscapeDataString(citation.DocumentId)}?start={citation.Start}&end={citation.End}";
    }

    /// <summary>Where a source is, for a person: "lease.pdf, p. 3, Termination".</summary>
    public static string Locator(Citation citation)
    {
        ArgumentNullException.ThrowIfNull(citation);
        var parts = new List<string> { citation.DocumentName };
        if (citation.Page is { } page)
        {
            parts.Add($"p. {page}");
        }

        if (!string.IsNullOrWhiteSpace(citation.Section))
        {
            parts.Add(citation.Section);
        }

        return string.Join(", ", parts);
    }

    private static string Chip(AnswerSource source, string? index)
    {
        var e = (string s) => WebUtility.HtmlEncode(s);
        var snippet = source.Snippet.Length > 400 ? source.Snippet[..400] + "…" : source.Snippet;
        var use = source.Highlights.Count > 0 ? "quoted in the answer" : "retrieved for the question";
        var relevance = source.Relevance is { } r ? string.Create(CultureInfo.InvariantCulture, $"{use}, relevance {r:0.00}") : use;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"cite\"><a class=\"cite-chip\" href=\"{e(ViewerHref(index, source.Citation))}\" aria-describedby=\"cite-{source.Number}-{source.Citation.Start}\">{source.Number}</a>");
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"cite-pop\" role=\"tooltip\" id=\"cite-{source.Number}-{source.Citation.Start}\">");
        html.Append(CultureInfo.InvariantCulture, $"<strong>{e(source.Citation.DocumentName)}</strong>");
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"cite-where\">{e(Locator(source.Citation))}</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"cite-text\">{e(snippet)}</span>");
        html.Append(CultureInfo.InvariantCulture, $"<span class=\"cite-rel\">Source {source.Number}, {relevance}</span>");
        html.Append("</span></span>");
        return html.ToString();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        // Markdown's own output needs no styles or classes but the code language.
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedTags.Remove("form");
        sanitizer.AllowedTags.Remove("input");
        sanitizer.AllowedTags.Remove("button");
        sanitizer.AllowedTags.Remove("textarea");
        sanitizer.AllowedTags.Remove("select");
        sanitizer.AllowedTags.Remove("img");
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.PostProcessNode += (_, args) =>
        {
            if (args.Node is AngleSharp.Html.Dom.IHtmlAnchorElement anchor)
            {
                anchor.SetAttribute("rel", "noopener noreferrer nofollow");
                anchor.SetAttribute("target", "_blank");
            }
        };
        return sanitizer;
    }

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex CitationNumber();

    [GeneratedRegex("<code[^>]*>.*?</code>", RegexOptions.Singleline)]
    private static partial Regex CodeElement();

    [GeneratedRegex("\uE000(\\d{1,3})\uE001")]
    private static partial Regex Marker();
}
