using System.Text;
using RagStack.Extraction;
using RagStack.Ingestion.Extraction.Markdown;
using Xunit;

namespace RagStack.Core.Tests.Ingestion.Extraction;

public sealed class MarkdownExtractorTests
{
    private const string Guide = """
        ---
        title: Front matter title
        tags: [a, b]
        ---

        # Installation Guide

        Read **this** guide and the [official docs](https://example.com/docs) first.

        ## Requirements

        You need:

        - a *recent* .NET SDK
        - two cores
          - nested detail

        ```bash
        dotnet build
        ```

        | Name | Value |
        |------|-------|
        | cores | 2 |

        ## Setup

        Run the `setup` script.

        # Appendix

        Final words.
        """;

    private readonly MarkdownExtractor _extractor = new();

    private static Task<ExtractedDocument> Extract(string markdown) =>
        new MarkdownExtractor().ExtractAsync(Encoding.UTF8.GetBytes(markdown), new ExtractionOptions());

    [Fact]
    public async Task Headings_become_heading_blocks_under_the_headings_above_them()
    {
        var document = await Extract(Guide);

        var requirements = Assert.Single(document.Blocks, b => b.Text == "Requirements");
        Assert.Equal(BlockKind.Heading, requirements.Kind);
        Assert.Equal(2, requirements.HeadingLevel);
        Assert.Equal(["Installation Guide"], requirements.SectionPath);

        var need = Assert.Single(document.Blocks, b => b.Text == "You need:");
        Assert.Equal(["Installation Guide", "Requirements"], need.SectionPath);

        var setup = Assert.Single(document.Blocks, b => b.Text.StartsWith("Run the", StringComparison.Ordinal));
        Assert.Equal(["Installation Guide", "Setup"], setup.SectionPath);

        var final = Assert.Single(document.Blocks, b => b.Text == "Final words.");
        Assert.Equal(["Appendix"], final.SectionPath);
    }

    [Fact]
    public async Task Markup_is_dropped_but_link_text_is_kept()
    {
        var document = await Extract(Guide);

        var intro = Assert.Single(document.Blocks, b => b.Text.StartsWith("Read", StringComparison.Ordinal));
        Assert.Equal("Read this guide and the official docs first.", intro.Text);
        Assert.DoesNotContain("https://example.com", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("**", document.Text, StringComparison.Ordinal);
        Assert.Contains(document.Blocks, b => b.Text == "Run the setup script.");
    }

    [Fact]
    public async Task Front_matter_is_skipped_and_the_first_h1_is_the_title()
    {
        var document = await Extract(Guide);

        Assert.Equal("Installation Guide", document.Title);
        Assert.DoesNotContain("Front matter title", document.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("tags:", document.Text, StringComparison.Ordinal);
        Assert.Equal(MarkdownExtractor.MediaType, document.ContentType);
    }

    [Fact]
    public async Task List_items_code_blocks_and_table_rows_are_blocks_of_their_kind()
    {
        var document = await Extract(Guide);

        Assert.Equal(
            ["a recent .NET SDK", "two cores", "nested detail"],
            document.Blocks.Where(b => b.Kind == BlockKind.ListItem).Select(b => b.Text));
        Assert.Equal("dotnet build", Assert.Single(document.Blocks, b => b.Kind == BlockKind.Code).Text);
        Assert.Equal(["Name | Value", "cores | 2"], document.Blocks.Where(b => b.Kind == BlockKind.Table).Select(b => b.Text));
        Assert.All(document.Blocks.Where(b => b.Kind == BlockKind.Table), b => Assert.Equal(["Installation Guide", "Requirements"], b.SectionPath));
    }

    [Fact]
    public void The_file_name_breaks_the_tie_between_markdown_and_plain_text()
    {
        var prose = "Just some prose without any markup.\n"u8;
        var headed = "# Title\n\nSome text.\n"u8;

        Assert.True(_extractor.CanExtract(prose, "notes.md"));
        Assert.True(_extractor.CanExtract(prose, "notes.markdown"));
        Assert.False(_extractor.CanExtract(prose, "notes"));
        Assert.True(_extractor.CanExtract(headed, "notes"));
        Assert.False(_extractor.CanExtract(headed, "notes.txt"));
    }

    [Fact]
    public void Binary_data_named_md_is_not_markdown()
    {
        Assert.False(_extractor.CanExtract([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D], "image.md"));
    }
}
