using RagStack.Cli.Hosting;
using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Bench.Inference;

/// <summary>Weight types of the synthetic benchmark models.</summary>
internal enum GgufWeights
{
    F32,
    F16,
}

/// <summary>Builds (once) and finds the models the inference benchmarks run on.</summary>
internal static class BenchModels
{
    /// <summary>The folder benchmark models are built in and kept: the option, else <c>&lt;data folder&gt;/bench</c>.</summary>
    public static string WorkDirectory(string? workDir)
    {
        var folder = workDir ?? Path.Combine(new CliSettings().ResolveDataDir(), "bench");
        Directory.CreateDirectory(folder);
        return Path.GetFullPath(folder);
    }

    /// <summary>
    /// A Llama of realistic shape (768 wide, 12 layers, ~125M parameters with the 32,000-token llama-spm vocabulary from
    /// <c>../shared/models/vocab</c>, or RagStack's small built-in vocabulary when that is absent) with random weights,
    /// written once into the work folder. Speed depends on shape, not on what the weights learned.
    /// </summary>
    public static string Synthetic125M(string? workDir, GgufWeights weights)
    {
        var vocabulary = SharedModel(Path.Combine("vocab", "ggml-vocab-llama-spm.gguf"));
        var name = $"synthetic-llama-125m-{(vocabulary is null ? "bytevocab" : "llamaspm")}-{weights}.gguf".ToLowerInvariant();
        var path = Path.Combine(WorkDirectory(workDir), name);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"building {name} (once)…");
            var spec = SyntheticLlamaSpec.Llama125M(vocabulary!) with
            {
                VocabularyPath = vocabulary,
                WeightType = weights == GgufWeights.F16 ? GgufTensorType.F16 : GgufTensorType.F32,
            };
            var temporary = path + ".tmp";
            SyntheticLlama.Write(temporary, spec);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }

    /// <summary>A quantized copy of <paramref name="model"/> in the work folder, made once (and again when the source changes).</summary>
    public static string Quantized(string model, GgufQuantizationType type, string? workDir, int threads)
    {
        var path = Path.Combine(WorkDirectory(workDir), $"{Path.GetFileNameWithoutExtension(model)}-{type}.gguf");
        if (!File.Exists(path) || File.GetLastWriteTimeUtc(path) < File.GetLastWriteTimeUtc(model))
        {
            GgufQuantizer.Quantize(model, path, type, threads);
        }

        return path;
    }

    /// <summary>The trained target of the committed model pair (models/bench; src/RagStack.Training/pair/rebuild.sh makes it).</summary>
    public const string PairTarget = "ragstack-docs-target-26m-q8_0.gguf";

    /// <summary>The draft distilled from <see cref="PairTarget"/>, with the same llama-spm vocabulary.</summary>
    public const string PairDraft = "ragstack-docs-draft-5m-q8_0.gguf";

    /// <summary>The F32 import of the pair's target, left in models/bench/build by a rebuild (too large to commit).</summary>
    public const string PairTargetF32 = "build/target-f32.gguf";

    /// <summary>Held-out text of the pair's corpus (never trained on), for perplexity.</summary>
    public const string PairHeldOutText = "heldout.txt";

    /// <summary>A file under <c>models/bench</c> of the repository this command was built from (or is run in), or null.</summary>
    public static string? PairFile(string relativePath) => RepositoryPath(root => Path.Combine(root, "models", "bench", relativePath));

    /// <summary>A file under <c>../shared/models</c> beside the repository this command was built from, or null.</summary>
    public static string? SharedModel(string relativePath) =>
        RepositoryPath(root => Path.Combine(root, "..", "shared", "models", relativePath));

    private static string? RepositoryPath(Func<string, string> pathInRepository)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "RagStack.sln")))
                {
                    var path = Path.GetFullPath(pathInRepository(directory.FullName));
                    if (File.Exists(path))
                    {
                        return path;
                    }

                    break;
                }
            }
        }

        return null;
    }
}
