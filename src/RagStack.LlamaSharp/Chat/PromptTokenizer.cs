using System.Text;
using LLama.Native;

namespace RagStack.LlamaSharp.Chat;

/// <summary>
/// Tokenizes a formatted prompt so that only the chat template's own text can become control tokens (<c>&lt;|im_end|&gt;</c>,
/// <c>&lt;/s&gt;</c>, <c>&lt;|eot_id|&gt;</c>): the messages' text (documents, the question, history) is always tokenized as
/// text, so a document cannot end a turn or open a system turn by spelling a marker.
/// </summary>
/// <remarks>
/// llama.cpp's own special-token parsing is applied to the template's text only: the vocabulary's control tokens are matched
/// longest first, and the text between them, template and message text together, is tokenized in one piece without special
/// parsing. A prompt whose messages hold no marker therefore tokenizes exactly as llama.cpp would tokenize it whole.
/// </remarks>
internal sealed class PromptTokenizer
{
    private readonly SafeLlamaModelHandle _model;
    private readonly (string Text, LLamaToken Token)[] _controls;

    public PromptTokenizer(SafeLlamaModelHandle model)
    {
        _model = model;
        var vocabulary = model.Vocab;
        var controls = new List<(string, LLamaToken)>();
        for (var id = 0; id < vocabulary.Count; id++)
        {
            LLamaToken token = id;
            if (token.IsControl(vocabulary) && vocabulary.LLamaTokenToString(token, isSpecialToken: true) is { Length: > 0 } text)
            {
                controls.Add((text, token));
            }
        }

        _controls = [.. controls.OrderByDescending(c => c.Item1.Length)];
    }

    /// <summary>The prompt's tokens, with the model's BOS first when it asks for one.</summary>
    public LLamaToken[] Tokenize(IReadOnlyList<PromptPart> parts)
    {
        var pieces = new List<Piece>(parts.Count);
        foreach (var part in parts)
        {
            pieces.Add(new Piece(part.Text, part.FromTemplate, null));
        }

        foreach (var (text, token) in _controls)
        {
            pieces = [.. pieces.SelectMany(p => p.FromTemplate && p.Token is null ? Split(p.Text, text, token) : [p])];
        }

        var tokens = new List<LLamaToken>();
        if (_model.Vocab.ShouldAddBOS && _model.Vocab.BOS is { } bos)
        {
            tokens.Add(bos);
        }

        var run = new StringBuilder();
        foreach (var piece in pieces)
        {
            if (piece.Token is { } control)
            {
                AddText(tokens, run);
                tokens.Add(control);
            }
            else
            {
                run.Append(piece.Text);
            }
        }

        AddText(tokens, run);
        return [.. tokens];
    }

    private void AddText(List<LLamaToken> tokens, StringBuilder run)
    {
        if (run.Length > 0)
        {
            tokens.AddRange(_model.Tokenize(run.ToString(), false, false, Encoding.UTF8));
            run.Clear();
        }
    }

    private static IEnumerable<Piece> Split(string text, string marker, LLamaToken token)
    {
        var start = 0;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, start, StringComparison.Ordinal))
        {
            if (at > start)
            {
                yield return new Piece(text[start..at], FromTemplate: true, null);
            }

            yield return new Piece(marker, FromTemplate: true, token);
            start = at + marker.Length;
        }

        if (start < text.Length)
        {
            yield return new Piece(text[start..], FromTemplate: true, null);
        }
    }

    private sealed record Piece(string Text, bool FromTemplate, LLamaToken? Token);
}
