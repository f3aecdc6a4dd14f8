using Microsoft.ML.OnnxRuntime.Tensors;
using RagStack.Imaging.Diffusion;
using Xunit;

namespace RagStack.Imaging.Tests.Diffusion;

/// <summary>The whole pipeline through ONNX Runtime on the committed random-weight fixture.</summary>
public sealed class DiffusionPipelineTests : IClassFixture<DiffusionPipelineTests.Fixture>
{
    private readonly DiffusionPipeline _pipeline;

    public DiffusionPipelineTests(Fixture fixture) => _pipeline = new DiffusionPipeline(fixture.Model);

    private static DiffusionRequest Request(long seed = 1, float guidance = 5f, int steps = 4, string? scheduler = null) =>
        new("a red circle on a blue background", 32, 32, steps, guidance, seed) { Scheduler = scheduler };

    [Fact]
    public void Draws_an_image_of_the_asked_size()
    {
        var image = _pipeline.Generate(Request() with { Width = 48, Height = 32 });
        Assert.Equal((48, 32), (image.Width, image.Height));
        Assert.Equal(48 * 32 * 3, image.Rgb.Length);
        Assert.True(image.Rgb.Distinct().Count() > 10, "the decoded pixels are not all alike");
    }

    [Fact]
    public void The_same_seed_draws_the_same_pixels_and_another_seed_others()
    {
        var a = _pipeline.Generate(Request(seed: 42));
        var b = _pipeline.Generate(Request(seed: 42));
        var c = _pipeline.Generate(Request(seed: 43));
        Assert.Equal(a.Rgb, b.Rgb);
        Assert.NotEqual(a.Rgb, c.Rgb);
    }

    [Fact]
    public void Guidance_above_one_changes_the_image()
    {
        var plain = _pipeline.Generate(Request(guidance: 1f));
        var guided = _pipeline.Generate(Request(guidance: 7.5f));
        Assert.NotEqual(plain.Rgb, guided.Rgb);
    }

    [Theory]
    [InlineData("euler-a")]
    [InlineData("ddim")]
    [InlineData("lcm")]
    public void Every_scheduler_runs_its_steps_and_draws_its_own_image(string scheduler)
    {
        var steps = new List<int>();
        var image = _pipeline.Generate(Request(scheduler: scheduler), new SyncProgress(steps.Add));
        Assert.Equal([1, 2, 3, 4], steps);
        var other = scheduler == "ddim" ? "euler-a" : "ddim";
        Assert.NotEqual(_pipeline.Generate(Request(scheduler: other)).Rgb, image.Rgb);
    }

    [Fact]
    public void Cancelling_stops_between_steps()
    {
        using var cts = new CancellationTokenSource();
        var steps = new List<int>();
        var progress = new SyncProgress(step =>
        {
            steps.Add(step);
            if (step == 2)
            {
                cts.Cancel();
            }
        });
        Assert.Throws<OperationCanceledException>(() => _pipeline.Generate(Request(steps: 10), progress, cts.Token));
        Assert.Equal([1, 2], steps);
    }

    [Fact]
    public void Types_and_sizes_come_from_the_model_metadata()
    {
        var model = _pipeline.Model;
        Assert.Equal(TensorElementType.Int64, model.TextInput.Type);
        Assert.Equal(TensorElementType.Int64, model.TimestepInput.Type);
        Assert.True(model.TimestepPerSample);
        Assert.Equal(TensorElementType.Float16, model.LatentInput.Type);
        Assert.Equal(TensorElementType.Float16, model.ImageOutput.Type);
        Assert.Equal(TensorElementType.Float, model.SampleInput.Type);
        Assert.Equal(4, model.LatentChannels);
        Assert.Equal(2, model.VaeScale);
        Assert.Equal(0.18215f, model.ScalingFactor);
    }

    [Fact]
    public void A_size_the_vae_cannot_make_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => _pipeline.Generate(Request() with { Width = 33 }));
        Assert.Contains("33x32", e.Message, StringComparison.Ordinal);
    }

    public sealed class Fixture : IDisposable
    {
        internal StableDiffusionModel Model { get; } = StableDiffusionModel.Open(TestModels.TinySd, threads: 1);

        public void Dispose() => Model.Dispose();
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
