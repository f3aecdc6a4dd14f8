using System.Text.Json;

namespace RagStack.Cli.Models;

/// <summary>The documents of a corpus file: JSON lines with a "text" field (and an optional "package" to count by), or a plain text file as one document.</summary>
internal static class CorpusDocuments
{
    /// <summary>Reads <paramref name="path"/> lazily, one document at a time, in file order.</summary>
    /// <exception cref="CorpusFormatException">(While enumerating) a JSON line is not an object with a string "text"; the message names the file and line.</exception>
    public static IEnumerable<(string Group, string Text)> Read(string path)
    {
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            yield return ("", File.ReadAllText(path));
            yield break;
        }

        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return Parse(path, number, line);
        }
    }

    private static (string Group, string Text) Parse(string path, int number, string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new CorpusFormatException($"{path}:{number}: not a JSON object with a string \"text\"");
            }

            var group = root.TryGetProperty("package", out var package) && package.ValueKind == JsonValueKind.String ? package.GetString()! : "";
            return (group, text.GetString()!);
        }
        catch (JsonException e)
        {
            throw new CorpusFormatException($"{path}:{number}: not valid JSON ({e.Message})");
        }
    }
}

/// <summary>A corpus file that cannot be read as documents; the message names the file and line.</summary>
internal sealed class CorpusFormatException(string message) : Exception(message);
