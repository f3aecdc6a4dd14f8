using RagStack.Cli.Bench.Inference;

namespace RagStack.Cli.Tests.Bench;

/// <summary>The quality measure of <c>bench quantization</c>: KL divergence and top-1 agreement of next-token distributions.</summary>
public sealed class QuantizationBenchCommandTests
{
    [Fact]
    public void Identical_logits_have_zero_divergence_and_full_agreement()
    {
        float[][] logits = [[1f, 2f, 3f], [0.5f, -1f, 0f]];

        var (kl, top1) = QuantizationBenchCommand.Compare(logits, logits);

        Assert.Equal(0, kl, 12);
        Assert.Equal(1, top1);
    }

    [Fact]
    public void Divergence_matches_the_closed_form_for_two_tokens()
    {
        // p = softmax(0, 0) = (1/2, 1/2); q = softmax(0, ln 3) = (1/4, 3/4); KL(p‖q) = ½ ln 2 + ½ ln(2/3).
        float[][] reference = [[0f, 0f]];
        float[][] candidate = [[0f, (float)Math.Log(3)]];

        var (kl, top1) = QuantizationBenchCommand.Compare(reference, candidate);

        Assert.Equal(0.5 * Math.Log(2) + 0.5 * Math.Log(2.0 / 3), kl, 6);
        Assert.Equal(0, top1); // a tie in the reference resolves to the first token; the candidate prefers the second

    }

    [Fact]
    public void Top1_agreement_counts_positions_whose_most_likely_token_differs()
    {
        float[][] reference = [[3f, 1f], [3f, 1f], [1f, 3f], [1f, 3f]];
        float[][] candidate = [[3f, 1f], [1f, 3f], [1f, 3f], [3f, 1f]];

        var (_, top1) = QuantizationBenchCommand.Compare(reference, candidate);

        Assert.Equal(0.5, top1);
    }
}
