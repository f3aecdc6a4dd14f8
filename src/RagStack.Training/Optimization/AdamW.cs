namespace RagStack.Training.Optimization;

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's <c>torch.optim.AdamW</c> steps it.</summary>
internal sealed class AdamW(IReadOnlyList<float[]> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
{
    private readonly float[][] _first = [.. parameters.Select(p => new float[p.Length])];
    private readonly float[][] _second = [.. parameters.Select(p => new float[p.Length])];

    public int Steps { get; private set; }

    /// <summary>Applies one update with <paramref name="gradients"/> (in the parameters' order) at <paramref name="learningRate"/>.</summary>
    public void Step(IReadOnlyList<float[]> gradients, double learningRate)
    {
        Steps++;
        var correction1 = 1 - Math.Pow(beta1, Steps);
        var correction2 = 1 - Math.Pow(beta2, Steps);
        var decay = 1 - (learningRate * weightDecay);
        for (var p = 0; p < parameters.Count; p++)
        {
            var (values, gradient, m, v) = (parameters[p], gradients[p], _first[p], _second[p]);
            for (var i = 0; i < values.Length; i++)
            {
                double g = gradient[i];
                m[i] = (float)((beta1 * m[i]) + ((1 - beta1) * g));
                v[i] = (float)((beta2 * v[i]) + ((1 - beta2) * g * g));
                var update = m[i] / correction1 / (Math.Sqrt(v[i] / correction2) + epsilon);
                values[i] = (float)((values[i] * decay) - (learningRate * update));
            }
        }
    }
}
