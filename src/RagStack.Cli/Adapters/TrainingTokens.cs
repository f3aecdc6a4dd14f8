using Microsoft.Extensions.DependencyInjection;
using RagStack.Cli.Hosting;
using RagStack.Documents;
using RagStack.Ingestion;
using RagStack.LlamaSharp;
using RagStack.Onnx;
using RagStack.Storage;

namespace RagStack.Cli.Adapters;

/// <summary>The text an adapter learns from (an index's chunks and text files) as token ids of the base model's own tokenizer, BOS first.</summary>
internal static class TrainingTokens
{
    /// <summary>Every chunk of <paramref name="index"/>'s ready documents (in document and position order), then each of <paramref name="files"/> whole.</summary>
    /// <exception cref="TrainingDataException">The index does not exist or has no chunks, or a file is missing or empty.</exception>
    public static async Task<IReadOnlyList<string>> ReadTextsAsync(string dataDir, string tenant, string? index, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        if (index is not null)
        {
            var folder = DataFolder.Open(dataDir, requested: null);
            await using var services = CliServices.Build(folder);
            var (chunkTexts, exists) = await IndexTexts.ReadAsync(
                services.GetRequiredService<IDocumentCatalog>(), services.GetRequiredService<IChunkStore>(), tenant, index, cancellationToken);
            if (!exists)
            {
                throw new TrainingDataException(index, $"no such index in {folder.Path} (see 'ragstack docs list')");
            }

            if (chunkTexts.Count == 0)
            {
                throw new TrainingDataException(index, "the index has no chunks of text to train on (ingest documents first)");
            }

            texts.AddRange(chunkTexts);
        }

        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new TrainingDataException(file, "no such file");
            }

            var text = await File.ReadAllTextAsync(file, cancellationToken);
            if (string.IsNullOrWhiteSpace(text))
            {
                throw new TrainingDataException(file, "the file has no text");
            }

            texts.Add(text);
        }

        return texts;
    }

    /// <summary>Tokenizes each text with <paramref name="baseModel"/>'s tokenizer through llama.cpp (only its vocabulary is loaded).</summary>
    /// <exception cref="TrainingDataException">llama.cpp cannot load the model's vocabulary.</exception>
    public static List<int[]> Tokenize(string baseModel, IEnumerable<string> texts)
    {
        try
        {
            return LlamaTokenizer.Tokenize(baseModel, texts);
        }
        catch (InvalidDataException e)
        {
            throw new TrainingDataException(baseModel, e.Message[(baseModel.Length + 2)..]);
        }
    }
}

/// <summary>Training data that cannot be used: <see cref="Subject"/> names the index or file, <see cref="Reason"/> what is wrong.</summary>
internal sealed class TrainingDataException(string subject, string reason) : Exception($"{subject}: {reason}")
{
    public string Subject { get; } = subject;

    public string Reason { get; } = reason;
}
