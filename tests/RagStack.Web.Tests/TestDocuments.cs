using System.Text;

namespace RagStack.Web.Tests;

/// <summary>The documents the browser tests upload: each a few facts no other holds, so a question finds exactly one.</summary>
internal static class TestDocuments
{
    public const string Lighthouse = """
        # The Quillmere lighthouse

        ## Upkeep

        Every spring the keeper of the Quillmere lighthouse paints the lamp room saffron yellow, using exactly forty-two litres of paint.

        ## Lamp

        The lamp turns once every nine seconds and can be seen thirty kilometres out to sea.
        """;

    public const string Brewery = """
        # The Harrowgate brewery

        ## Barrels

        The brewery fills oak barrels of two hundred litres; how many litres it takes to fill a vat depends on the vat, usually nine barrels.
        """;

    /// <summary>A plain-text note whose text holds a script, an image with an error handler and script links.</summary>
    public const string Hostile = """
        Zebrafish sleep notes

        The zebrafish sleep study found a nap of nine minutes <script>window.__xss=1;alert('script')</script> after feeding.
        The tank log shows <img src=x onerror="window.__xss=2;alert('img')"> a second nap and [the tank map](javascript:alert('md-link')) with <a href="javascript:alert('a')">the feeding chart</a>.
        """;

    /// <summary>A two-page PDF about a bridge, written on the spot.</summary>
    public static byte[] BridgePdf() => Core.Tests.Ingestion.Extraction.TestPdfs.Pages(
        ["The Ostervik bridge", "The Ostervik bridge is painted in a colour called signal green.", "Its main span is four hundred and twelve metres long."],
        ["Maintenance", "The bridge cables of Ostervik are inspected by climbers every third year."]);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
