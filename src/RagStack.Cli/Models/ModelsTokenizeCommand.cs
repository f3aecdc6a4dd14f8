using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using RagStack.Cli.Hosting;
using RagStack.LlamaSharp;
using RagStack.Models;
using Spectre.Console;
using Spectre.Console.Cli;

namespace RagStack.Cli.Models;

/// <summary>
/// <c>ragstack models tokenize</c>: a corpus as token ids through llama.cpp's own tokenizer, so a model trained on them sees
/// exactly the ids serving will give it. Each document becomes BOS, its tokens, EOS; the ids go to a flat little-endian
/// uint16 file (the vocabulary must have at most 65,536 tokens), with a JSON summary beside it.
/// </summary>
internal sealed class ModelsTokenizeCommand : AsyncCommand<ModelsTokenizeCommand.Settings>
{
    internal sealed class Settings : CliSettings
    {
        [CommandArgument(0, "<VOCAB>")]
        [Description("A GGUF model or vocabulary-only GGUF whose tokenizer to use (e.g. ggml-vocab-llama-spm.gguf).")]
        public string Vocabulary { get; init; } = "";

        [CommandArgument(1, "<INPUT>")]
        [Description("JSON lines, one document a line with a \"text\" field (and optionally \"package\"), or a plain text file taken as one document.")]
        public string Input { get; init; } = "";

        [CommandArgument(2, "<OUTPUT>")]
        [Description("Where to write the token ids (uint16, little-endian); OUTPUT.json gets the counts. Replaced only when done.")]
        public string Output { get; init; } = "";

        [CommandOption("--max-tokens <N>")]
        [Description("Stop after this many tokens (the last document is cut there). Default: 0, no limit.")]
        [DefaultValue(0L)]
        public long MaxTokens { get; init; }

        [CommandOption("--eos <ID>")]
        [Description("The id appended after each document. Default: 2, llama's </s>; -1 appends nothing.")]
        [DefaultValue(2)]
        public int Eos { get; init; } = 2;

        public override ValidationResult Validate() =>
            MaxTokens < 0 ? ValidationResult.Error("--max-tokens must be 0 or more.")
            : Eos is < -1 or > ushort.MaxValue ? ValidationResult.Error("--eos must be -1 or a token id below 65,536.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input))
        {
            Hosting.Output.Error($"{settings.Input}: no such file");
            return Task.FromResult(1);
        }

        if (!File.Exists(settings.Vocabulary))
        {
            Hosting.Output.Error($"{settings.Vocabulary}: no such file");
            return Task.FromResult(1);
        }

        var clock = Stopwatch.StartNew();
        var documents = CorpusDocuments.Read(settings.Input);
        var counts = new TokenCounts();
        try
        {
            AtomicFile.Write(settings.Output, stream =>
            {
                using var writer = new BinaryWriter(stream);
                var texts = documents.Select(d => { counts.Current = d.Group; return d.Text; });
                foreach (var ids in LlamaTokenizer.TokenizeEach(settings.Vocabulary, texts))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var take = settings.MaxTokens > 0 ? (int)Math.Min(ids.Length, settings.MaxTokens - counts.Tokens) : ids.Length;
                    for (var i = 0; i < take; i++)
                    {
                        writer.Write(checked((ushort)ids[i]));
                    }

                    var eos = settings.Eos >= 0 && (settings.MaxTokens == 0 || counts.Tokens + take < settings.MaxTokens) ? 1 : 0;
                    if (eos == 1)
                    {
                        writer.Write((ushort)settings.Eos);
                    }

                    counts.Add(take + eos, cut: take < ids.Length);
                    if (settings.MaxTokens > 0 && counts.Tokens >= settings.MaxTokens)
                    {
                        break;
                    }
                }
            });
        }
        catch (InvalidDataException e)
        {
            Hosting.Output.Error(e.Message);
            return Task.FromResult(1);
        }
        catch (CorpusFormatException e)
        {
            Hosting.Output.Error(e.Message);
            return Task.FromResult(1);
        }
        catch (OverflowException)
        {
            Hosting.Output.Error($"{settings.Vocabulary}: its vocabulary has ids above 65,535, which a uint16 token file cannot hold");
            return Task.FromResult(1);
        }

        var summary = new
        {
            vocabulary = Path.GetFileName(settings.Vocabulary),
            input = Path.GetFileName(settings.Input),
            format = "uint16-le",
            eos = settings.Eos,
            tokens = counts.Tokens,
            documents = counts.Documents,
            lastDocumentCut = counts.LastCut,
            perGroup = counts.PerGroup,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        AtomicFile.Write(settings.Output + ".json", stream => JsonSerializer.Serialize(stream, summary, new JsonSerializerOptions { WriteIndented = true }));
        if (settings.Json)
        {
            Hosting.Output.Json(summary);
            return Task.FromResult(0);
        }

        Console.Out.WriteLine($"wrote {settings.Output}: {counts.Tokens:N0} tokens from {counts.Documents:N0} documents in {clock.Elapsed.TotalSeconds:F1} s{(counts.LastCut ? " (the last one cut at --max-tokens)" : "")}");
        foreach (var (group, tokens) in counts.PerGroup.OrderByDescending(p => p.Value))
        {
            Console.Out.WriteLine($"  {group,-24} {tokens,12:N0}");
        }

        return Task.FromResult(0);
    }

    /// <summary>Tokens and documents written so far, in total and per group (a JSON line's "package").</summary>
    private sealed class TokenCounts
    {
        public string Current { get; set; } = "";

        public long Tokens { get; private set; }

        public int Documents { get; private set; }

        public bool LastCut { get; private set; }

        public SortedDictionary<string, long> PerGroup { get; } = new(StringComparer.Ordinal);

        public void Add(int tokens, bool cut)
        {
            Tokens += tokens;
            Documents++;
            LastCut = cut;
            PerGroup[Current] = PerGroup.GetValueOrDefault(Current) + tokens;
        }
    }
}
