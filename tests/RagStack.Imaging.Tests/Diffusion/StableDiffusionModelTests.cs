using Microsoft.ML.OnnxRuntime.Tensors;
using RagStack.Imaging.Diffusion;
using Xunit;

namespace RagStack.Imaging.Tests.Diffusion;

public sealed class StableDiffusionModelTests
{
    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("tokenizer/merges.txt")]
    [InlineData("model_index.json")]
    public void A_folder_missing_a_file_is_refused_naming_the_file(string missing)
    {
        var folder = TestModels.TempFolder();
        foreach (var file in Directory.EnumerateFiles(TestModels.TinySd, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(TestModels.TinySd, file);
            if (relative.Replace('\\', '/') != missing)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, relative))!);
                File.Copy(file, Path.Combine(folder, relative));
            }
        }

        var e = Assert.Throws<DiffusionModelException>(() => StableDiffusionModel.Open(folder));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a Stable Diffusion ONNX export", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_model_takes_int32_ids_and_a_float_timestep_and_decodes_at_four_pixels_a_cell()
    {
        using var model = StableDiffusionModel.Open(TestModels.Shapes64, threads: 1);
        Assert.Equal(TensorElementType.Int32, model.TextInput.Type);
        Assert.Equal(TensorElementType.Float, model.TimestepInput.Type);
        Assert.Equal(4, model.VaeScale);
        Assert.NotEqual(0.18215f, model.ScalingFactor);
    }
}
