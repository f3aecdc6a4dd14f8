using RagStack.Corpora.CorpusBuilder;

// Builds every sources/<name>.<pdf|docx|md|html|txt>.txt of a corpus into <corpus>/<name>.<pdf|docx|md|html|txt>,
// then (with --verify) checks questions.jsonl against the documents.
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: CorpusBuilder <corpus-folder> [--verify] [--dump] [--no-build]");
    return 2;
}

var corpus = Path.GetFullPath(args[0]);
var verify = args.Contains("--verify");
var build = !args.Contains("--no-build");
var sources = Path.Combine(corpus, "sources");
if (!Directory.Exists(sources))
{
    Console.Error.WriteLine($"no sources folder: {sources}");
    return 2;
}

if (build)
{
    foreach (var source in Directory.GetFiles(sources, "*.txt").Order(StringComparer.Ordinal))
    {
        var name = Path.GetFileNameWithoutExtension(source);
        var extension = Path.GetExtension(name).ToLowerInvariant();
        if (extension is not (".pdf" or ".docx" or ".md" or ".html" or ".txt"))
        {
            continue;
        }

        var document = SourceDocument.Parse(File.ReadAllText(source));
        var bytes = extension switch
        {
            ".pdf" => PdfRenderer.Render(document),
            ".docx" => DocxRenderer.Render(document),
            ".md" => System.Text.Encoding.UTF8.GetBytes(TextFormatRenderer.Markdown(document)),
            ".html" => System.Text.Encoding.UTF8.GetBytes(TextFormatRenderer.Html(document)),
            _ => System.Text.Encoding.UTF8.GetBytes(TextFormatRenderer.PlainText(document)),
        };
        File.WriteAllBytes(Path.Combine(corpus, name), bytes);
        Console.WriteLine($"wrote {name} ({bytes.Length:N0} bytes)");
    }
}

if (args.Contains("--dump"))
{
    // Prints the text PdfPig extracts from each page of each PDF: handy when writing questions with page numbers.
    foreach (var pdf in Directory.GetFiles(corpus, "*.pdf").Order(StringComparer.Ordinal))
    {
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        foreach (var page in document.GetPages())
        {
            Console.WriteLine($"==== {Path.GetFileName(pdf)} page {page.Number}");
            Console.WriteLine(string.Join(' ', page.GetWords().Select(w => w.Text)));
        }
    }
}

return verify ? Verifier.Run(corpus) : 0;
