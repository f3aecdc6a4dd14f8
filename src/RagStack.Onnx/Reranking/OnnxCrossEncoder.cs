using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RagStack.Onnx;

/// <summary>
/// A cross-encoder loaded from the sentence-transformers export layout and run by ONNX Runtime: each (query, passage) pair
/// is read as <c>[CLS] query [SEP] passage [SEP]</c> with token types 0 then 1, and scored by the model's logit (with two
/// labels, the second's margin over the first). Input names and integer types come from the model's metadata.
/// </summary>
internal sealed class OnnxCrossEncoder : IDisposable
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";

    private readonly WordPieceTokenizer _tokenizer;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly OnnxCrossEncoderOptions _options;
    private readonly string[] _inputs;
    private readonly bool _int32Ids;
    private readonly string _output;

    private OnnxCrossEncoder(OnnxCrossEncoderOptions options, WordPieceTokenizer tokenizer, SessionOptions sessionOptions, InferenceSession session, string source)
    {
        _options = options;
        _tokenizer = tokenizer;
        _sessionOptions = sessionOptions;
        _session = session;
        var inputs = session.InputMetadata;
        if (!inputs.TryGetValue(InputIds, out var ids))
        {
            throw new InvalidDataException($"{source} has no '{InputIds}' input (it has {string.Join(", ", inputs.Keys)}); it is not a BERT-style cross-encoder export.");
        }

        var unknown = inputs.Keys.Where(k => k is not (InputIds or AttentionMask or TokenTypeIds)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"{source} asks for inputs this reranker cannot give: {string.Join(", ", unknown)}.");
        }

        _inputs = [.. inputs.Keys];
        _int32Ids = ids.ElementDataType == TensorElementType.Int32;
        _output = session.OutputNames[0];
    }

    /// <summary>Loads the model and vocabulary from <paramref name="folder"/>, naming the file that is missing or wrong.</summary>
    public static OnnxCrossEncoder Load(string folder, OnnxCrossEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{OnnxCrossEncoderOptions.Section}:Path: the folder {folder} does not exist.");
        }

        var model = new[] { Path.Combine(folder, "onnx", "model.onnx"), Path.Combine(folder, "model.onnx") }.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{folder} is not a cross-encoder export: neither onnx/model.onnx nor model.onnx is there.");
        var vocabulary = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocabulary))
        {
            throw new FileNotFoundException($"{folder} is not a cross-encoder this reranker reads: vocab.txt (a WordPiece vocabulary) is missing.", vocabulary);
        }

        RefuseCased(folder);
        WordPieceTokenizer tokenizer;
        using (var reader = new StreamReader(vocabulary))
        {
            tokenizer = WordPieceTokenizer.Load(reader);
        }

        var sessionOptions = OnnxSessionOptions.Create(options.IntraOpThreads);
        try
        {
            var session = new InferenceSession(model, sessionOptions);
            try
            {
                return new OnnxCrossEncoder(options, tokenizer, sessionOptions, session, model);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>One score per passage, in order: the model's relevance logit for (<paramref name="query"/>, passage).</summary>
    public double[] Score(string query, IReadOnlyList<string> passages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passages);
        var question = _tokenizer.Encode(query);
        var room = _options.MaxTokens - question.Length - 3;
        if (room < 1)
        {
            throw new ArgumentException($"The query is {question.Length} tokens; the cross-encoder reads pairs of at most {_options.MaxTokens} ({OnnxCrossEncoderOptions.Section}:MaxTokens).", nameof(query));
        }

        var pairs = passages.Select(p => Pair(question, _tokenizer.Encode(p ?? string.Empty), room)).ToArray();
        var scores = new double[pairs.Length];
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
        for (var start = 0; start < pairs.Length; start += _options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(_options.BatchSize, pairs.Length - start);
            try
            {
                ScoreBatch(pairs.AsSpan(start, count), scores.AsSpan(start, count), runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }

        return scores;
    }

    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    /// <summary>[CLS] query [SEP] passage [SEP] and how many of those tokens are the query's segment ([CLS], query, [SEP]).</summary>
    private (int[] Ids, int First) Pair(int[] question, int[] passage, int room)
    {
        var kept = Math.Min(passage.Length, room);
        var ids = new int[question.Length + kept + 3];
        ids[0] = _tokenizer.ClsId;
        question.CopyTo(ids, 1);
        ids[question.Length + 1] = _tokenizer.SepId;
        Array.Copy(passage, 0, ids, question.Length + 2, kept);
        ids[^1] = _tokenizer.SepId;
        return (ids, question.Length + 2);
    }

    private void ScoreBatch(ReadOnlySpan<(int[] Ids, int First)> pairs, Span<double> scores, RunOptions runOptions)
    {
        var sequence = 0;
        foreach (var pair in pairs)
        {
            sequence = Math.Max(sequence, pair.Ids.Length);
        }

        var ids = new long[pairs.Length * sequence];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        Array.Fill(ids, _tokenizer.PadId);
        for (var row = 0; row < pairs.Length; row++)
        {
            var (pairIds, first) = pairs[row];
            var offset = row * sequence;
            for (var j = 0; j < pairIds.Length; j++)
            {
                ids[offset + j] = pairIds[j];
                mask[offset + j] = 1;
                types[offset + j] = j < first ? 0 : 1;
            }
        }

        long[] shape = [pairs.Length, sequence];
        var values = new List<OrtValue>(_inputs.Length);
        try
        {
            foreach (var name in _inputs)
            {
                var data = name switch { InputIds => ids, AttentionMask => mask, _ => types };
                values.Add(_int32Ids
                    ? OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (int)v), shape)
                    : OrtValue.CreateTensorValueFromMemory(data, shape));
            }

            using var outputs = _session.Run(runOptions, _inputs, values, [_output]);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var labels = logits.Length / pairs.Length;
            if (labels is not (1 or 2) || logits.Length != labels * pairs.Length)
            {
                throw new InvalidDataException($"The cross-encoder's output '{_output}' has {logits.Length} values for {pairs.Length} pairs; a reranker needs one or two labels per pair.");
            }

            for (var row = 0; row < pairs.Length; row++)
            {
                scores[row] = labels == 1 ? logits[row] : logits[(row * 2) + 1] - logits[row * 2];
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>The tokenizer here lower-cases; a cased model (<c>do_lower_case: false</c>) would read every capital as unknown.</summary>
    private static void RefuseCased(string folder)
    {
        var config = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(config))
        {
            return;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(config));
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("do_lower_case", out var lower)
            && lower.ValueKind == JsonValueKind.False)
        {
            throw new InvalidDataException($"{config} says do_lower_case is false: this reranker reads uncased WordPiece models only.");
        }
    }
}
