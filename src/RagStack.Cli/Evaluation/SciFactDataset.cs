using System.Globalization;
using System.IO.Compression;
using System.Text;
using RagStack.Ingestion;

namespace RagStack.Cli.Evaluation;

/// <summary>A SciFact abstract: BEIR's document text is its title and abstract.</summary>
internal sealed record SciFactDocument(string Id, string Title, string Abstract)
{
    /// <summary>The abstract as a Markdown document titled by its paper, named by its id, for the real ingestion pipeline.</summary>
    public IngestRequest ToIngestRequest(string index = "default") => new()
    {
        Name = $"{Id}.md",
        Index = index,
        OpenContent = () => new MemoryStream(Encoding.UTF8.GetBytes($"# {Title}\n\n{Abstract}\n")),
    };
}

/// <summary>A SciFact claim and the ids of the abstracts cited as its evidence.</summary>
internal sealed record SciFactClaim(string Id, string Text, IReadOnlySet<string> Relevant);

/// <summary>
/// Reads BEIR SciFact as shipped in <c>scifact.zip</c>: <c>corpus_train.csv</c> (abstracts as Python-list literals of
/// sentences), <c>claims_train.csv</c> (for tuning) and <c>claims_validation.csv</c> (BEIR's test split). A claim's
/// relevant documents are the union of its rows' <c>cited_doc_ids</c>, which equals BEIR's test qrels.
/// </summary>
internal sealed class SciFactDataset
{
    private SciFactDataset(IReadOnlyList<SciFactDocument> corpus, IReadOnlyList<SciFactClaim> train, IReadOnlyList<SciFactClaim> test)
    {
        Corpus = corpus;
        Train = train;
        Test = test;
    }

    public IReadOnlyList<SciFactDocument> Corpus { get; }

    public IReadOnlyList<SciFactClaim> Train { get; }

    /// <summary>The 300 claims of BEIR's test split. Report on these; never tune on them.</summary>
    public IReadOnlyList<SciFactClaim> Test { get; }

    /// <summary>Loads the dataset from a folder holding <c>scifact.zip</c> (or the zip itself).</summary>
    public static SciFactDataset Load(string path)
    {
        var zipPath = File.Exists(path) ? path : Path.Combine(path, "scifact.zip");
        if (!File.Exists(zipPath))
        {
            throw new FileNotFoundException($"{zipPath} not found: point --data at the folder that holds SciFact's scifact.zip.");
        }

        using var zip = ZipFile.OpenRead(zipPath);
        var corpus = Rows(zip, "corpus_train.csv")
            .Select(r => new SciFactDocument(r["doc_id"], r["title"], string.Join(' ', PythonStrings(r["abstract"]))))
            .ToList();
        return new SciFactDataset(corpus, Claims(zip, "claims_train.csv"), Claims(zip, "claims_validation.csv"));
    }

    private static List<SciFactClaim> Claims(ZipArchive zip, string entry)
    {
        var claims = new Dictionary<string, (string Text, HashSet<string> Relevant)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in Rows(zip, entry))
        {
            if (!claims.TryGetValue(row["id"], out var claim))
            {
                claim = (row["claim"], new HashSet<string>(StringComparer.Ordinal));
                claims[row["id"]] = claim;
                order.Add(row["id"]);
            }

            foreach (var id in row["cited_doc_ids"].Split(['[', ']', ',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                claim.Relevant.Add(id);
            }
        }

        return order.Select(id => new SciFactClaim(id, claims[id].Text, claims[id].Relevant)).Where(c => c.Relevant.Count > 0).ToList();
    }

    private static IEnumerable<Dictionary<string, string>> Rows(ZipArchive zip, string entryName)
    {
        var entry = zip.GetEntry(entryName) ?? throw new InvalidDataException($"scifact.zip has no {entryName}.");
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        var records = Csv(reader.ReadToEnd());
        var header = records[0];
        foreach (var record in records.Skip(1).Where(r => r.Count == header.Count))
        {
            yield return header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => record[x.i], StringComparer.Ordinal);
        }
    }

    /// <summary>Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    internal static List<List<string>> Csv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }

    /// <summary>The string literals of a Python/numpy list repr such as <c>['a' "b's"]</c>, escapes resolved.</summary>
    internal static IEnumerable<string> PythonStrings(string literal)
    {
        var i = 0;
        while (i < literal.Length)
        {
            var quote = literal[i];
            if (quote is not ('\'' or '"'))
            {
                i++;
                continue;
            }

            var value = new StringBuilder();
            i++;
            while (i < literal.Length && literal[i] != quote)
            {
                if (literal[i] == '\\' && i + 1 < literal.Length)
                {
                    i++;
                    value.Append(literal[i] switch
                    {
                        'n' => '\n',
                        't' => '\t',
                        'x' when i + 2 < literal.Length => (char)int.Parse(literal.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        var other => other,
                    });
                    if (literal[i] == 'x')
                    {
                        i += 2;
                    }
                }
                else
                {
                    value.Append(literal[i]);
                }

                i++;
            }

            i++;
            yield return value.ToString();
        }
    }
}
