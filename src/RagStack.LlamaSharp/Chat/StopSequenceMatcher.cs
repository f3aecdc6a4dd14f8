using System.Text;

namespace RagStack.LlamaSharp.Chat;

/// <summary>
/// Cuts streamed text at the first stop sequence. Text that could still turn into a stop sequence is held back until the
/// next piece decides it, so a user never sees the first half of a stop sequence.
/// </summary>
internal sealed class StopSequenceMatcher(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _pending = new();

    /// <summary>True once a stop sequence has been seen; nothing more is emitted.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds generated text; returns the text that is now safe to show.</summary>
    public string Push(string text)
    {
        if (Stopped || text.Length == 0)
        {
            return "";
        }

        if (stops.Count == 0)
        {
            return text;
        }

        _pending.Append(text);
        var pending = _pending.ToString();
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = pending.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        _pending.Clear();
        if (cut >= 0)
        {
            Stopped = true;
            return pending[..cut];
        }

        var hold = 0;
        foreach (var stop in stops)
        {
            for (var length = Math.Min(stop.Length - 1, pending.Length); length > hold; length--)
            {
                if (pending.AsSpan(pending.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    hold = length;
                    break;
                }
            }
        }

        _pending.Append(pending, pending.Length - hold, hold);
        return pending[..^hold];
    }

    /// <summary>The held-back text, released when generation ends without a stop sequence.</summary>
    public string Flush()
    {
        var rest = Stopped ? "" : _pending.ToString();
        _pending.Clear();
        return rest;
    }
}
