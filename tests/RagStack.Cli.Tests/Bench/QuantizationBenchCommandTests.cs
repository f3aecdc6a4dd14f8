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

    [Fact]
    public void Perplexity_is_the_exponential_of_the_mean_negative_log_likelihood_of_each_next_token()
    {
        // Two windows; the first token of each is only context. Uniform logits over 4 tokens give perplexity 4; a logit
        // of ln 3 on the right token among [0, 0, ln 3, 0] gives it probability 1/2.
        LLama.Native.LLamaToken[][] windows = [[1, 2, 3], [1, 2]];
        float[] uniform = [0f, 0f, 0f, 0f];
        float[] likely2 = [0f, 0f, (float)Math.Log(3), 0f];
        List<float[][]> logits = [[likely2, uniform, uniform], [likely2, uniform]];

        var perplexity = QuantizationBenchCommand.Perplexity(windows, logits);

        // Scored: 2 | [1] (p = 1/2), 3 | [1, 2] (1/4), 2 | [1] (1/2): exp(-(ln ½ + ln ¼ + ln ½) / 3) = 16^(1/3).
        Assert.Equal(Math.Pow(16, 1.0 / 3), perplexity, 6);
    }
}
