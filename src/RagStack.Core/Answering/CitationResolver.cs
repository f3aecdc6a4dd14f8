using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RagStack.Answering;

/// <summary>
/// Resolves the <c>[n]</c>, <c>[1, 3]</c> and <c>[1][2]</c> citations of a streamed answer to the packed sources, as the
/// text arrives. Citations are renumbered in the order they are first cited, so the answer's sources read [1], [2], …;
/// numbers that name no packed source are removed, never shown. A delta that ends in what may be the start of a marker
/// ("[", "[1,") is held back until the next delta completes or refutes it.
/// </summary>
internal sealed partial class CitationResolver
{
    // A marker longer than this is not a citation; holding more back would stall the stream on a stray "[".
    private const int MaxMarkerLength = 32;

    private readonly IReadOnlyDictionary<int, PackedSource> _sources;
    private readonly Dictionary<int, int> _renumbered = [];
    private readonly List<PackedSource> _cited = [];
    private readonly StringBuilder _text = new();
    private string _pending = "";

    public CitationResolver(IEnumerable<PackedSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        _sources = sources.ToDictionary(s => s.Number);
    }

    /// <summary>The text emitted so far.</summary>
    public string Text => _text.ToString();

    /// <summary>The sources cited so far; the first is [1] in the emitted text, the second [2], ….</summary>
    public IReadOnlyList<PackedSource> Cited => _cited;

    /// <summary>Takes the next piece of generated text and returns what can be shown now, citations resolved.</summary>
    public string Append(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return Drain(_pending + delta, final: false);
    }

    /// <summary>Returns what was held back, once the stream has ended; an unfinished marker is plain text by then.</summary>
    public string Complete() => Drain(_pending, final: true);

    private string Drain(string text, bool final)
    {
        var output = new StringBuilder(text.Length);
        var held = "";
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('[', i);
            if (open < 0)
            {
                output.Append(text, i, text.Length - i);
                break;
            }

            output.Append(text, i, open - i);
            var marker = Marker().Match(text, open);
            if (marker.Success)
            {
                var resolved = Resolve(marker);
                if (resolved.Length == 0)
                {
                    // A removed marker takes the space before it along, so "text [9]." reads "text.".
                    while (output.Length > 0 && output[^1] == ' ')
                    {
                        output.Length--;
                    }
                }

                output.Append(resolved);
                i = open + marker.Length;
                continue;
            }

            var rest = text[open..];
            if (rest.Length < MaxMarkerLength && PartialMarker().IsMatch(rest))
            {
                // Held until the next delta; at the end of the stream it is a citation cut off by the token limit,
                // which names no source yet, so it is dropped like any other dangling marker.
                held = final ? "" : rest;
                break;
            }

            output.Append('[');
            i = open + 1;
        }

        if (!final)
        {
            // Trailing spaces wait too: if a removed marker follows, they go with it.
            var end = output.Length;
            while (end > 0 && output[end - 1] == ' ')
            {
                end--;
            }

            held = output.ToString(end, output.Length - end) + held;
            output.Length = end;
        }

        _pending = held;
        var shown = output.ToString();
        _text.Append(shown);
        return shown;
    }

    private string Resolve(Match marker)
    {
        var numbers = new List<int>();
        foreach (Capture capture in marker.Groups["n"].Captures)
        {
            if (int.TryParse(capture.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && _sources.TryGetValue(n, out var source))
            {
                if (!_renumbered.TryGetValue(n, out var cited))
                {
                    _cited.Add(source);
                    cited = _cited.Count;
                    _renumbered[n] = cited;
                }

                if (!numbers.Contains(cited))
                {
                    numbers.Add(cited);
                }
            }
        }

        return numbers.Count == 0 ? "" : "[" + string.Join(", ", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))) + "]";
    }

    [GeneratedRegex(@"\G\[\s*(?<n>\d{1,4})(?:\s*[,;]\s*(?<n>\d{1,4}))*\s*\]")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^\[\s*(?:\d{1,4}(?:\s*[,;]\s*\d{1,4})*(?:\s*[,;])?)?\s*$")]
    private static partial Regex PartialMarker();
}
