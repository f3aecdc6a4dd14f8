using RagStack.Cli.Bench.Images;
using RagStack.Imaging;

namespace RagStack.Cli.Tests.Images;

public sealed class ImageCommandTests
{
    [Fact]
    public async Task The_shipped_model_draws_what_the_prompt_says_offline()
    {
        using var cli = new CliProcess();
        var path = Path.Combine(cli.DataDir, "square.png");
        var result = await cli.JsonAsync("image", "a green square on a yellow background", "--out", path, "--seed", "1");
        Assert.Equal(path, result.GetProperty("path").GetString());
        var (w, h, rgb) = PngEncoder.Decode(File.ReadAllBytes(path));
        Assert.Equal((64, 64), (w, h));
        var reading = ShapePixelClassifier.Read(w, h, rgb);
        Assert.Equal(("green", "yellow", "square"), (ShapePrompts.Colours[reading.Colour], ShapePrompts.Colours[reading.Background], ShapePrompts.Shapes[reading.Shape]));
    }

    [Fact]
    public async Task A_folder_that_is_not_a_stable_diffusion_export_is_refused_naming_the_missing_file()
    {
        using var cli = new CliProcess();
        var folder = Directory.CreateDirectory(Path.Combine(cli.DataDir, "not-a-model")).FullName;
        File.WriteAllText(Path.Combine(folder, "model_index.json"), "{}");
        var (exitCode, _, error) = await cli.RunAsync("image", "a red circle", "--model", folder, "--out", Path.Combine(cli.DataDir, "x.png"));
        Assert.Equal(1, exitCode);
        Assert.Contains("tokenizer/vocab.json is missing", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.DataDir, "x.png")));
    }

    [Fact]
    public async Task A_bad_size_is_refused_before_anything_runs()
    {
        using var cli = new CliProcess();
        var (exitCode, output, error) = await cli.RunAsync("image", "a red circle", "--size", "64by64");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("--size", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_bench_prints_adherence_and_speed_beside_the_raw_loop()
    {
        using var cli = new CliProcess();
        var result = await cli.JsonAsync("bench", "images", "--prompts", "2", "--pairs", "1", "--speed-images", "1", "--steps", "3");
        Assert.Equal(2, result.GetProperty("prompts").GetInt32());
        Assert.Equal(5, result.GetProperty("adherence").GetArrayLength());
        var speed = result.GetProperty("speed");
        Assert.True(speed.GetProperty("ragstackImagesPerSecond").GetDouble() > 0);
        Assert.True(speed.GetProperty("rawImagesPerSecond").GetDouble() > 0);
        Assert.True(speed.GetProperty("identicalPixels").GetBoolean());
    }
}
