using Microsoft.Extensions.Options;
using RagStack.Retrieval;

namespace RagStack.Onnx;

/// <summary>The <see cref="RerankMethod.CrossEncoder"/> reranker: the cross-encoder at <c>RagStack:CrossEncoder:Path</c>, loaded on first use.</summary>
internal sealed class OnnxCrossEncoderReranker(IOptions<OnnxCrossEncoderOptions> options) : IReranker, IDisposable
{
    private readonly Lazy<OnnxCrossEncoder> _model = new(() => Load(options.Value), LazyThreadSafetyMode.ExecutionAndPublication);

    public RerankMethod Method => RerankMethod.CrossEncoder;

    public Task<IReadOnlyList<double>> ScoreAsync(RerankRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            IReadOnlyList<double> scores = _model.Value.Score(request.Query, request.Candidates.Select(c => c.Text).ToList(), cancellationToken);
            return Task.FromResult(scores);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyList<double>>(cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return Task.FromException<IReadOnlyList<double>>(e);
        }
    }

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }

    private static OnnxCrossEncoder Load(OnnxCrossEncoderOptions options) =>
        string.IsNullOrWhiteSpace(options.Path)
            ? throw new InvalidOperationException($"{OnnxCrossEncoderOptions.Section}:Path is not set; RagStack:Retrieval:Rerank is CrossEncoder and needs the cross-encoder's folder.")
            : OnnxCrossEncoder.Load(options.Path, options);
}
