using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig;

namespace RagStack.Corpora.CorpusBuilder;

/// <summary>
/// Checks questions.jsonl against the corpus: every document exists, the answer's distinctive words appear in the
/// document (for PDFs: on the stated page, as PdfPig extracts it), and the stated section is the heading of the part
/// of the document that holds the answer. Prints per-document statistics and every problem found.
/// </summary>
internal static partial class Verifier
{
    private const double Threshold = 0.75;

    private static readonly HashSet<string> StopWords =
        ["the", "and", "for", "with", "that", "per", "are", "its", "from", "into", "than", "not", "you", "about", "each", "one"];

    private sealed record Section(string Heading, HashSet<string> Tokens);

    private sealed record DocText(string Format, IReadOnlyList<string> Pages, IReadOnlyList<Section> Sections, int Words);

    public static int Run(string corpus)
    {
        var problems = new List<string>();
        var documents = new SortedDictionary<string, DocText>(StringComparer.Ordinal);
        var ignored = ReadIgnore(corpus);
        foreach (var file in Directory.GetFiles(corpus).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (ignored.Contains(name))
            {
                continue;
            }

            try
            {
                documents[name] = Extract(corpus, file);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or ArgumentException)
            {
                problems.Add($"{name}: cannot extract: {e.Message}");
            }
        }

        var questionsPath = Path.Combine(corpus, "questions.jsonl");
        var counts = documents.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadAllLines(questionsPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            string? Get(string property) => root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var id = Get("id") ?? $"line {lineNumber}";
            var document = Get("document");
            var answer = Get("answer");
            var section = Get("section");
            int? page = root.TryGetProperty("page", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;
            if (!ids.Add(id))
            {
                problems.Add($"{id}: duplicate id");
            }

            if (string.IsNullOrWhiteSpace(Get("question")) || string.IsNullOrWhiteSpace(answer) || string.IsNullOrWhiteSpace(document))
            {
                problems.Add($"{id}: question, answer and document are required");
                continue;
            }

            if (!documents.TryGetValue(document, out var text))
            {
                problems.Add($"{id}: document '{document}' does not exist (or is ignored)");
                continue;
            }

            counts[document]++;
            var keys = KeyTokens(answer);
            if (text.Format == "pdf")
            {
                if (page is null || page < 1 || page > text.Pages.Count)
                {
                    problems.Add($"{id}: PDF question needs a page in 1..{text.Pages.Count}, has {page?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
                }
                else
                {
                    var (score, missing) = Score(keys, Tokens(text.Pages[page.Value - 1]));
                    if (score < Threshold)
                    {
                        var better = Enumerable.Range(1, text.Pages.Count).Where(n => Score(keys, Tokens(text.Pages[n - 1])).Score >= Threshold);
                        problems.Add($"{id}: answer not on page {page} of {document} (missing: {string.Join(", ", missing)}; found on pages: {string.Join(", ", better)})");
                    }

                    if (section is not null && !Enumerable.Range(0, page.Value).Any(n => Normalize(text.Pages[n]).Contains(Normalize(section), StringComparison.Ordinal)))
                    {
                        problems.Add($"{id}: section '{section}' not found on or before page {page}");
                    }
                }
            }
            else if (page is not null)
            {
                problems.Add($"{id}: page given for a non-PDF document");
            }

            var all = new HashSet<string>(text.Sections.SelectMany(s => s.Tokens), StringComparer.Ordinal);
            var (docScore, docMissing) = Score(keys, all);
            if (docScore < Threshold)
            {
                problems.Add($"{id}: answer words not in {document} (missing: {string.Join(", ", docMissing)})");
            }

            if (section is not null)
            {
                if (!text.Sections.Any(s => s.Heading == section))
                {
                    problems.Add($"{id}: section '{section}' is not a heading of {document}");
                }
                else
                {
                    var best = text.Sections.Max(s => Score(keys, s.Tokens).Score);
                    var bestSections = text.Sections.Where(s => Score(keys, s.Tokens).Score >= best - 1e-9).Select(s => s.Heading).ToList();
                    if (!bestSections.Contains(section))
                    {
                        problems.Add($"{id}: answer fits section(s) '{string.Join("' / '", bestSections)}' better than '{section}'");
                    }
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"document",-42} {"format",-6} {"pages",5} {"words",6} {"questions",9}");
        foreach (var (name, text) in documents)
        {
            Console.WriteLine($"{name,-42} {text.Format,-6} {text.Pages.Count,5} {text.Words,6} {counts[name],9}");
            if (counts[name] < 2)
            {
                problems.Add($"{name}: fewer than 2 questions");
            }
        }

        Console.WriteLine($"{documents.Count} documents, {counts.Values.Sum()} questions");
        Console.WriteLine();
        foreach (var problem in problems)
        {
            Console.WriteLine("PROBLEM " + problem);
        }

        Console.WriteLine(problems.Count == 0 ? "verify: clean" : $"verify: {problems.Count} problem(s)");
        return problems.Count == 0 ? 0 : 1;
    }

    private static HashSet<string> ReadIgnore(string corpus)
    {
        var path = Path.Combine(corpus, ".ragstackignore");
        var names = new HashSet<string>(StringComparer.Ordinal) { ".ragstackignore" };
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                var entry = line.Trim();
                if (entry.Length > 0 && !entry.StartsWith('#'))
                {
                    names.Add(entry.TrimEnd('/'));
                }
            }
        }

        return names;
    }

    private static DocText Extract(string corpus, string file)
    {
        var format = Path.GetExtension(file).TrimStart('.').ToLowerInvariant();
        switch (format)
        {
            case "pdf":
            {
                using var pdf = PdfDocument.Open(file);
                var pages = pdf.GetPages().Select(pg => string.Join(' ', pg.GetWords().Select(w => w.Text))).ToList();
                return new DocText(format, pages, SourceSections(corpus, file), pages.Sum(CountWords));
            }

            case "docx":
            {
                using var word = WordprocessingDocument.Open(file, false);
                var paragraphs = word.MainDocumentPart!.Document!.Body!.Descendants<Paragraph>().Select(x => x.InnerText).ToList();
                var headings = word.MainDocumentPart.Document.Body.Descendants<ParagraphStyleId>().Count(s => s.Val?.Value is "Heading1" or "Heading2");
                if (headings == 0)
                {
                    throw new InvalidOperationException("no Heading1/Heading2 paragraphs");
                }

                var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(word).Take(3).ToList();
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException("invalid Open XML: " + string.Join("; ", errors.Select(e => e.Description)));
                }

                var all = string.Join('\n', paragraphs);
                return new DocText(format, [all], SourceSections(corpus, file), CountWords(all));
            }

            case "html":
            {
                var html = File.ReadAllText(file);
                html = ScriptOrStyle().Replace(html, " ");
                var sections = new List<Section>();
                var parts = HtmlHeading().Split(html);
                // Split with one capture group yields: text, heading, text, heading, text ...
                sections.Add(new Section(string.Empty, Tokens(HtmlText(parts[0]))));
                for (var i = 1; i + 1 < parts.Length; i += 2)
                {
                    sections.Add(new Section(HtmlText(parts[i]).Trim(), Tokens(HtmlText(parts[i] + " " + parts[i + 1]))));
                }

                var text = HtmlText(html);
                return new DocText(format, [text], sections, CountWords(text));
            }

            case "md":
            case "txt":
            {
                var lines = File.ReadAllLines(file);
                var sections = new List<(string Heading, List<string> Lines)> { (string.Empty, []) };
                for (var i = 0; i < lines.Length; i++)
                {
                    var heading = format == "md"
                        ? (lines[i].StartsWith('#') ? lines[i].TrimStart('#').Trim() : null)
                        : (i + 1 < lines.Length && lines[i].Trim().Length > 0 && Underline().IsMatch(lines[i + 1]) ? lines[i].Trim() : null);
                    if (heading is not null)
                    {
                        sections.Add((heading, []));
                    }

                    sections[^1].Lines.Add(lines[i]);
                }

                var all = string.Join('\n', lines);
                return new DocText(format, [all], sections.Select(s => new Section(s.Heading, Tokens(string.Join(' ', s.Lines)))).ToList(), CountWords(all));
            }

            default:
                throw new InvalidOperationException($"unexpected file type '{format}' (add it to .ragstackignore?)");
        }
    }

    /// <summary>Sections of a generated document, read from its source: each heading with the text up to the next one.</summary>
    private static List<Section> SourceSections(string corpus, string file)
    {
        var source = Path.Combine(corpus, "sources", Path.GetFileName(file) + ".txt");
        var sections = new List<Section> { new(string.Empty, []) };
        foreach (var block in SourceDocument.Parse(File.ReadAllText(source)).Blocks)
        {
            if (block.Kind is BlockKind.Heading1 or BlockKind.Heading2)
            {
                sections.Add(new Section(block.Text, []));
            }

            sections[^1].Tokens.UnionWith(Tokens(block.Text));
        }

        return sections;
    }

    private static string HtmlText(string html) => WebUtility.HtmlDecode(Tag().Replace(html, " "));

    private static int CountWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static string Normalize(string text) => string.Join(' ', Word().Matches(text.ToLowerInvariant()).Select(m => m.Value));

    private static HashSet<string> Tokens(string text) => new(Word().Matches(text.ToLowerInvariant()).Select(m => m.Value), StringComparer.Ordinal);

    /// <summary>The distinctive words of an answer: numbers, and words of three letters or more that are not stop words.</summary>
    private static List<string> KeyTokens(string answer)
    {
        var all = Word().Matches(answer.ToLowerInvariant()).Select(m => m.Value).Distinct().ToList();
        var keys = all.Where(t => (t.Any(char.IsDigit) || t.Length >= 3) && !StopWords.Contains(t)).ToList();
        return keys.Count > 0 ? keys : all;
    }

    private static (double Score, List<string> Missing) Score(List<string> keys, HashSet<string> tokens)
    {
        var missing = keys.Where(k => !tokens.Contains(k)).ToList();
        return (keys.Count == 0 ? 1 : 1 - ((double)missing.Count / keys.Count), missing);
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    [GeneratedRegex(@"<(script|style)\b.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<h[1-6]\b[^>]*>(.*?)</h[1-6]\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex HtmlHeading();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^\s*(={3,}|-{3,})\s*$")]
    private static partial Regex Underline();
}
