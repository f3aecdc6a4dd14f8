using System.Text;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction.Html;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class HtmlExtractorTests
{
    private const string Page = """
        <!DOCTYPE html>
        <html>
        <head>
          <title>  Solar   Power
            Basics </title>
          <style>body { color: red; }</style>
          <script>var tracking = "do not index me";</script>
        </head>
        <body>
          <nav><a href="/">Home</a> <a href="/about">About us</a></nav>
          <h1>Solar power</h1>
          <p>Panels turn   <b>sun</b>light
             into <a href="https://example.com/power">electric power</a>.<br>Cheaply.</p>
          <h2>Panel types</h2>
          <ul>
            <li>Monocrystalline panels</li>
            <li>Polycrystalline <em>panels</em>
              <ul><li>Cheaper variant</li></ul>
            </li>
          </ul>
          <table>
            <tr><th>Type</th><th>Efficiency</th></tr>
            <tr><td>Mono</td><td>22%</td></tr>
          </table>
          <blockquote>The sun is the best battery.</blockquote>
          <pre>install --panels 4
          --inverter 1</pre>
          <h2>Costs</h2>
          <div>Costs fell by <span>half</span> in ten years.</div>
          <noscript>Enable JavaScript</noscript>
          <template><p>Hidden template</p></template>
        </body>
        </html>
        """;

    private readonly HtmlExtractor _extractor = new();

    private static Task<ExtractedDocument> Extract(string html) =>
        new HtmlExtractor().ExtractAsync(Encoding.UTF8.GetBytes(html), new ExtractionOptions());

    [Fact]
    public async Task Scripts_styles_navigation_and_templates_are_dropped()
    {
        var document = await Extract(Page);

        foreach (var noise in new[] { "do not index me", "color: red", "About us", "Enable JavaScript", "Hidden template" })
        {
            Assert.DoesNotContain(noise, document.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Headings_carry_levels_and_blocks_carry_the_path_of_headings_above_them()
    {
        var document = await Extract(Page);

        var types = Assert.Single(document.Blocks, b => b.Text == "Panel types");
        Assert.Equal(BlockKind.Heading, types.Kind);
        Assert.Equal(2, types.HeadingLevel);
        Assert.Equal(["Solar power"], types.SectionPath);
        Assert.Equal(["Solar power", "Costs"], Assert.Single(document.Blocks, b => b.Text.StartsWith("Costs fell", StringComparison.Ordinal)).SectionPath);
    }

    [Fact]
    public async Task Inline_markup_joins_words_and_whitespace_is_normalised()
    {
        var document = await Extract(Page);

        Assert.Contains(document.Blocks, b => b.Text == "Panels turn sunlight into electric power. Cheaply." && b.Kind == BlockKind.Paragraph);
        Assert.Contains(document.Blocks, b => b.Text == "Costs fell by half in ten years.");
        Assert.Equal("Solar Power Basics", document.Title);
    }

    [Fact]
    public async Task List_items_table_rows_quotes_and_preformatted_text_are_blocks_of_their_kind()
    {
        var document = await Extract(Page);

        Assert.Equal(
            ["Monocrystalline panels", "Polycrystalline panels", "Cheaper variant"],
            document.Blocks.Where(b => b.Kind == BlockKind.ListItem).Select(b => b.Text));
        Assert.Equal(["Type | Efficiency", "Mono | 22%"], document.Blocks.Where(b => b.Kind == BlockKind.Table).Select(b => b.Text));
        Assert.Contains(document.Blocks, b => b.Text == "The sun is the best battery.");
        var code = Assert.Single(document.Blocks, b => b.Kind == BlockKind.Code);
        Assert.Contains("install --panels 4\n", code.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_h1_is_the_title_when_there_is_no_title_element()
    {
        var document = await Extract("<html><body><h1>Only heading</h1><p>Text.</p></body></html>");

        Assert.Equal("Only heading", document.Title);
    }

    [Fact]
    public async Task The_main_element_is_read_without_the_page_chrome_around_it()
    {
        var document = await Extract("<html><body><header>Site banner</header><main><p>Article body.</p></main><footer>Copyright</footer></body></html>");

        Assert.Equal("Article body.", document.Text);
    }

    [Fact]
    public async Task A_declared_legacy_charset_is_honoured()
    {
        var html = "<html><head><meta charset=\"windows-1252\"><title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e \u20ac5</p></body></html>";
        var bytes = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(html);

        var document = await _extractor.ExtractAsync(bytes, new ExtractionOptions());

        Assert.Equal("Cr\u00e8me br\u00fbl\u00e9e \u20ac5", document.Text);
        Assert.Equal("Caf\u00e9", document.Title);
    }

    [Fact]
    public void Html_is_recognised_by_its_opening_tags_only()
    {
        Assert.True(_extractor.CanExtract("\uFEFF  <!doctype html><html>"u8, null));
        Assert.True(_extractor.CanExtract("<!-- saved page -->\n<HTML lang=en>"u8, "page.txt"));
        Assert.True(_extractor.CanExtract("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"u8, null));
        Assert.True(_extractor.CanExtract("<head><title>x</title></head>"u8, null));
        Assert.False(_extractor.CanExtract("Use <html> tags to start a page."u8, "a.html"));
        Assert.False(_extractor.CanExtract("# Markdown\n"u8, "a.html"));
    }
}
