using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RagStack.Onnx;
using RagStack.Retrieval;

namespace RagStack;

/// <summary>Adds the ONNX cross-encoder reranker to a RagStack.</summary>
public static class OnnxRerankerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the cross-encoder reranker (<see cref="RerankMethod.CrossEncoder"/>); settings come from <c>RagStack:CrossEncoder</c>,
    /// then <paramref name="configure"/>. Nothing is loaded until <c>RagStack:Retrieval:Rerank</c> is <c>CrossEncoder</c> and a
    /// search runs, so composing it costs nothing when it is off.
    /// </summary>
    public static IRagStackBuilder AddOnnxReranker(this IRagStackBuilder builder, Action<OnnxCrossEncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.BindRagStackOptions(OnnxCrossEncoderOptions.Section, configure);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxCrossEncoderOptions>, OnnxCrossEncoderOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IReranker, OnnxCrossEncoderReranker>());
        return builder;
    }
}
