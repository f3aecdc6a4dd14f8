using RagStack.Training.Optimization;

namespace RagStack.Training.Tests.Optimization;

public sealed class AdamWTests
{
    [Fact]
    public void Two_steps_match_the_update_computed_by_hand()
    {
        float[] parameter = [0.5f];
        var optimizer = new AdamW([parameter], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1);

        optimizer.Step([[0.2f]], learningRate: 0.01);
        // Step 1: m = 0.02, v = 4e-5; m̂ = 0.2, v̂ = 0.04; decay 0.5 · (1 − 0.01 · 0.1) = 0.4995; update 0.01 · 0.2 / (0.2 + 1e-8).
        var expected = (0.5 * (1 - 0.001)) - (0.01 * 0.2 / (0.2 + 1e-8));
        Assert.Equal(expected, parameter[0], 6);

        optimizer.Step([[-0.4f]], learningRate: 0.01);
        // Step 2: m = 0.9 · 0.02 − 0.1 · 0.4 = −0.022, v = 0.999 · 4e-5 + 0.001 · 0.16 = 1.9996e-4.
        var m = -0.022 / (1 - (0.9 * 0.9));
        var v = 1.9996e-4 / (1 - (0.999 * 0.999));
        expected = (expected * (1 - 0.001)) - (0.01 * m / (Math.Sqrt(v) + 1e-8));
        Assert.Equal(expected, parameter[0], 6);
        Assert.Equal(2, optimizer.Steps);
    }
}
