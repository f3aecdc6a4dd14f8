using RagStack.Training.Llama;
using static RagStack.Training.Tests.Llama.FiniteDifferences;

namespace RagStack.Training.Tests.Llama;

/// <summary>Each layer's backward pass against central finite differences of its forward pass, in double precision.</summary>
public sealed class BackwardPassTests
{
    private readonly Random _random = new(7);

    [Fact]
    public void RmsNorm_backward_matches_finite_differences()
    {
        const int Rows = 3, Width = 8;
        var x = Random(_random, Rows * Width, 2);
        var gain = Random(_random, Width);
        var w = Random(_random, Rows * Width);
        double Loss()
        {
            var y = new double[Rows * Width];
            RmsNorm.Forward<double>(x, gain, 1e-5, y, new double[Rows]);
            return Weighted(w, y);
        }

        var inverse = new double[Rows];
        RmsNorm.Forward<double>(x, gain, 1e-5, new double[Rows * Width], inverse);
        var dx = new double[Rows * Width];
        RmsNorm.Backward<double>(w, x, gain, inverse, dx);

        Check("dx", x, dx, Loss);
    }

    [Fact]
    public void Rope_backward_matches_finite_differences()
    {
        const int Rows = 5, Heads = 2, HeadDimension = 6;
        var rope = new Rope<double>(HeadDimension, 10000, 16);
        var x = Random(_random, Rows * Heads * HeadDimension);
        var w = Random(_random, x.Length);
        double Loss()
        {
            var y = (double[])x.Clone();
            rope.Forward(y, Heads, HeadDimension);
            return Weighted(w, y);
        }

        var dx = (double[])w.Clone();
        rope.Backward(dx, Heads, HeadDimension);

        Check("dx", x, dx, Loss);
    }

    [Fact]
    public void Rope_rotates_adjacent_pairs_by_position_times_base_power()
    {
        // One head of 4 at position 3: pair (0, 1) turns by 3 rad, pair (2, 3) by 3 · 100^(−2/4) = 0.3 rad.
        var rope = new Rope<double>(4, 100, 8);
        var x = new double[4 * 4];
        x.AsSpan(12, 4).Fill(1);

        rope.Forward(x, 1, 4);

        double[] expected = [Math.Cos(3) - Math.Sin(3), Math.Sin(3) + Math.Cos(3), Math.Cos(0.3) - Math.Sin(0.3), Math.Sin(0.3) + Math.Cos(0.3)];
        Assert.Equal(expected, x[12..], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Grouped_query_causal_attention_backward_matches_finite_differences()
    {
        const int Rows = 5;
        var attention = new CausalAttention(Heads: 4, KvHeads: 2, HeadDimension: 3);
        var q = Random(_random, Rows * 12, 2);
        var k = Random(_random, Rows * 6, 2);
        var v = Random(_random, Rows * 6, 2);
        var w = Random(_random, Rows * 12);
        var probabilities = new double[4 * Rows * Rows];
        double Loss()
        {
            var output = new double[Rows * 12];
            attention.Forward<double>(q, k, v, new double[4 * Rows * Rows], output);
            return Weighted(w, output);
        }

        attention.Forward<double>(q, k, v, probabilities, new double[Rows * 12]);
        var (dq, dk, dv) = (new double[q.Length], new double[k.Length], new double[v.Length]);
        attention.Backward<double>(w, q, k, v, probabilities, dq, dk, dv);

        Check("dq", q, dq, Loss);
        Check("dk", k, dk, Loss);
        Check("dv", v, dv, Loss);
    }

    [Fact]
    public void Attention_is_causal_and_its_probabilities_sum_to_one()
    {
        const int Rows = 4;
        var attention = new CausalAttention(Heads: 2, KvHeads: 1, HeadDimension: 2);
        var (q, k, v) = (Random(_random, Rows * 4), Random(_random, Rows * 2), Random(_random, Rows * 2));
        var probabilities = new double[2 * Rows * Rows];
        var output = new double[Rows * 4];
        attention.Forward<double>(q, k, v, probabilities, output);
        var changedLast = (double[])v.Clone();
        changedLast[^1] += 10;
        var outputChanged = new double[Rows * 4];
        attention.Forward<double>(q, k, changedLast, new double[2 * Rows * Rows], outputChanged);

        for (var row = 0; row < 2 * Rows; row++)
        {
            Assert.Equal(1, probabilities.AsSpan(row * Rows, Rows).ToArray().Sum(), 12);
        }

        Assert.Equal(output[..12], outputChanged[..12]); // the first three positions never see the last value
        Assert.NotEqual(output[12..], outputChanged[12..]);
    }

    [Fact]
    public void SwiGlu_backward_matches_finite_differences()
    {
        var gate = Random(_random, 12, 3);
        var up = Random(_random, 12, 3);
        var w = Random(_random, 12);
        double Loss()
        {
            var y = new double[12];
            SwiGlu.Forward<double>(gate, up, y);
            return Weighted(w, y);
        }

        var (dGate, dUp) = (new double[12], new double[12]);
        SwiGlu.Backward<double>(w, gate, up, dGate, dUp);

        Check("dGate", gate, dGate, Loss);
        Check("dUp", up, dUp, Loss);
    }

    [Fact]
    public void Lora_linear_backward_matches_finite_differences_with_dropout()
    {
        const int Rows = 3, Inputs = 6, Outputs = 5, Rank = 2;
        var weight = Random(_random, Outputs * Inputs);
        var adapter = new LoraAdapter<double>(0, 0, "q_proj", Rank, Inputs, Outputs);
        Random(_random, adapter.A.Length).CopyTo(adapter.A, 0);
        Random(_random, adapter.B.Length).CopyTo(adapter.B, 0);
        var projection = new Projection<double>(weight, Inputs, Outputs, adapter, scale: 1.5);
        var x = Random(_random, Rows * Inputs);
        var w = Random(_random, Rows * Outputs);
        double Loss()
        {
            var y = new double[Rows * Outputs];
            projection.Forward(x, y, new Random(3), 0.3); // the same mask every time
            return Weighted(w, y);
        }

        var activations = projection.Forward(x, new double[Rows * Outputs], new Random(3), 0.3);
        Assert.Contains(0.0, activations!.Keep!); // dropout did drop something
        var gradients = new LoraGradients<double>([adapter]);
        var dx = new double[x.Length];
        projection.Backward(w, dx, activations, gradients);

        Check("dA", adapter.A, gradients.A[0], Loss);
        Check("dB", adapter.B, gradients.B[0], Loss);
        Check("dx", x, dx, Loss);
    }

    [Fact]
    public void Cross_entropy_gradient_matches_finite_differences()
    {
        const int Rows = 3, Vocabulary = 7;
        var logits = Random(_random, Rows * Vocabulary, 4);
        int[] targets = [2, 6, 0];
        double Loss() => CrossEntropy.Forward<double>(logits, targets, 1, new double[logits.Length]);
        var dLogits = new double[logits.Length];
        var loss = CrossEntropy.Forward<double>(logits, targets, 1, dLogits);

        Check("dLogits", logits, dLogits, Loss);
        var expected = 0.0;
        for (var t = 0; t < Rows; t++)
        {
            var row = logits.AsSpan(t * Vocabulary, Vocabulary).ToArray();
            expected -= Math.Log(Math.Exp(row[targets[t]]) / row.Sum(Math.Exp));
        }

        Assert.Equal(expected, loss, 12);
    }
}
