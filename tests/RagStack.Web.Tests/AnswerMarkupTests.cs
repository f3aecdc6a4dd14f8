extern alias web;
using RagStack.Answering;
using RagStack.Retrieval;
using AnswerMarkup = web::RagStack.Web.Markdown.AnswerMarkup;

namespace RagStack.Web.Tests;

/// <summary>Model output is Markdown, never HTML: what survives rendering, and the citation chips built from the sources.</summary>
public sealed class AnswerMarkupTests
{
    private static readonly AnswerSource Lease = new(1, new Citation("doc1", "lease.pdf", 3, "Lease › Termination", 120, 180), "Either party may end this lease by giving three months' notice.");
    private readonly AnswerMarkup _markup = new();

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("![x](javascript:alert(1))")]
    [InlineData("<iframe src=\"https://example.com\"></iframe>")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")]
    public void Hostile_model_output_renders_as_text_or_not_at_all(string hostile)
    {
        var html = _markup.Render($"The notice is three months [1]. {hostile}", [Lease], "contracts");

        // Read as a browser reads it: no active element, no handler, no script address survives.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Empty(document.QuerySelectorAll("script, img, iframe, svg, object, embed, form, style"));
        var attributes = document.All.SelectMany(e => e.Attributes).ToList();
        Assert.DoesNotContain(attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(attributes, a => a.Name is "href" or "src" && !a.Value.StartsWith("documents/", StringComparison.Ordinal) && !a.Value.StartsWith("https:", StringComparison.Ordinal));
        Assert.Single(document.QuerySelectorAll("a.cite-chip"));
    }

    [Fact]
    public void Raw_html_is_shown_as_its_text()
    {
        var html = _markup.Render("Use <b>bold</b>", [], null);

        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cited_number_becomes_a_chip_linking_to_the_viewer_at_the_passage_with_its_source_in_the_popover()
    {
        var html = _markup.Render("Three months' notice [1].", [Lease], "contracts");

        Assert.Contains("class=\"cite-chip\" href=\"documents/contracts/doc1?start=120&amp;end=180\"", html, StringComparison.Ordinal);
        Assert.Contains("<strong>lease.pdf</strong>", html, StringComparison.Ordinal);
        Assert.Contains("lease.pdf, p. 3, Lease › Termination", html, StringComparison.Ordinal);
        Assert.Contains("three months&#39; notice", html, StringComparison.Ordinal);
        Assert.DoesNotContain("[1]", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_popover_says_how_relevant_the_source_is_when_the_api_measured_it()
    {
        var html = _markup.Render("Three months' notice [1].", [Lease with { Relevance = 0.8361 }], "contracts");
        var without = _markup.Render("Three months' notice [1].", [Lease], "contracts");

        Assert.Contains("Source 1, retrieved for the question, relevance 0.84", html, StringComparison.Ordinal);
        Assert.DoesNotContain("relevance", without, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_no_source_holds_and_one_inside_code_stay_text()
    {
        var html = _markup.Render("See [2] and `list[1]`:\n\n```\nx = a[1]\n```", [Lease], "contracts");

        Assert.Contains("[2]", html, StringComparison.Ordinal);
        Assert.Contains("<code>list[1]</code>", html, StringComparison.Ordinal);
        Assert.Contains("x = a[1]", html, StringComparison.Ordinal);
        Assert.DoesNotContain("cite-chip", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_text_in_a_source_is_encoded_in_the_popover()
    {
        var source = Lease with { Snippet = "<img src=x onerror=alert(1)>", Citation = Lease.Citation with { DocumentName = "<script>a.pdf" } };

        var html = _markup.Render("Quoted [1].", [source], "contracts");

        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;a.pdf", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Code_blocks_keep_their_formatting_and_links_open_safely()
    {
        var html = _markup.Render("```csharp\nif (x)\n    y();\n```\n\nSee https://example.com.", [], null);

        Assert.Contains("<pre><code>if (x)\n    y();\n</code></pre>", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Marker_characters_in_the_input_cannot_forge_a_chip()
    {
        var html = _markup.Render("forged \uE0001\uE001 here", [Lease], "contracts");

        Assert.DoesNotContain("cite-chip", html, StringComparison.Ordinal);
    }
}
