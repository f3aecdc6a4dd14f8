using Aspire.Hosting.Publishing;

namespace RagStack.AppHost;

/// <summary>
/// A parameter's value when configuration (<c>Parameters:&lt;name&gt;</c>) gives none. Unlike
/// <c>AddParameter(name, value)</c>, whose value is final, this lets <c>--Parameters:model-path=…</c> or
/// <c>Parameters__model_path</c> replace it.
/// </summary>
internal sealed class FixedParameterDefault(string value) : ParameterDefault
{
    public override string GetDefaultValue() => value;

    public override void WriteToManifest(ManifestPublishingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Writer.WriteString("value", value);
    }
}
