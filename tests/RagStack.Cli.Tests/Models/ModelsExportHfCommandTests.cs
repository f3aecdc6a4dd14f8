using System.Text.Json;
using RagStack.LlamaSharp.Quantization;
using RagStack.Models.Gguf;

namespace RagStack.Cli.Tests.Models;

/// <summary><c>ragstack models export-hf</c> through the real executable, on models our own GGUF writer builds.</summary>
public sealed class ModelsExportHfCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("ragstack-export-hf-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Export_hf_writes_config_and_weights_and_prints_them_with_the_next_step()
    {
        var spec = new SyntheticLlamaSpec { EmbeddingLength = 32, Heads = 4, KvHeads = 2, FeedForwardLength = 48, Layers = 2 };
        var gguf = Path.Combine(_folder.FullName, "base.gguf");
        SyntheticLlama.Write(gguf, spec);
        var output = Path.Combine(_folder.FullName, "hf");
        using var cli = new CliProcess();

        var (exitCode, text, error) = await cli.RunAsync("models", "export-hf", gguf, output);

        Assert.True(exitCode == 0, error);
        var config = Path.Combine(output, "config.json");
        var weights = Path.Combine(output, "model.safetensors");
        Assert.Contains($"wrote {config}", text, StringComparison.Ordinal);
        Assert.Contains($"wrote {weights}", text, StringComparison.Ordinal);
        var parameters = GgufFile.Read(gguf).Tensors.Sum(t => t.ElementCount);
        Assert.Contains($"{parameters:N0} parameters in 21 tensors", text, StringComparison.Ordinal);
        Assert.Contains($"python src/RagStack.Training/peft/train_lora.py --model {output} --data train.jsonl", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(config));
        Assert.Equal(2, json.RootElement.GetProperty("num_key_value_heads").GetInt32());
        Assert.True(new FileInfo(weights).Length > parameters * 4); // F32 data plus the header

        var report = await cli.JsonAsync("models", "export-hf", gguf, output);
        Assert.Equal(parameters, report.GetProperty("parameterCount").GetInt64());
        Assert.Equal([config, weights], report.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.False(report.GetProperty("tiedWordEmbeddings").GetBoolean());
    }

    [Fact]
    public async Task Export_hf_of_a_k_quant_model_prints_one_error_line_naming_the_tensor_and_exits_1()
    {
        var f32 = Path.Combine(_folder.FullName, "f32.gguf");
        var q4 = Path.Combine(_folder.FullName, "q4.gguf");
        SyntheticLlama.Write(f32, new SyntheticLlamaSpec { EmbeddingLength = 256, Heads = 8, KvHeads = 8, FeedForwardLength = 512, Layers = 1 });
        GgufQuantizer.Quantize(f32, q4, GgufQuantizationType.Q4_K_M, threads: 1);
        var output = Path.Combine(_folder.FullName, "hf");
        using var cli = new CliProcess();

        var (exitCode, text, error) = await cli.RunAsync("models", "export-hf", q4, output);

        Assert.Equal(1, exitCode);
        Assert.Equal("", text);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($"^error: {System.Text.RegularExpressions.Regex.Escape(q4)}: tensor '[a-z_.0-9]+' is Q[2-6]_K; only F32, F16, BF16 and Q8_0 tensors can be exported", line);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Export_hf_of_a_missing_file_prints_one_error_line_and_exits_1()
    {
        var missing = Path.Combine(_folder.FullName, "absent.gguf");
        using var cli = new CliProcess();

        var (exitCode, _, error) = await cli.RunAsync("models", "export-hf", missing, Path.Combine(_folder.FullName, "hf"));

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: {missing}: no such file", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(_folder.GetFileSystemInfos());
    }
}
