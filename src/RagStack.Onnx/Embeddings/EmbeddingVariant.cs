using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RagStack.Onnx;

/// <summary>
/// One embedding model in one precision, named <c>ArcticXs-int8</c> or <c>ArcticXs-fp32</c>; a bare model name
/// (<c>ArcticXs</c>) means its default precision, int8. This is what <c>--embedding-model</c> takes and what a data folder records.
/// </summary>
[TypeConverter(typeof(EmbeddingVariantConverter))]
public readonly record struct EmbeddingVariant(EmbeddingModelKind Model, EmbeddingPrecision Precision = EmbeddingPrecision.Int8)
{
    /// <summary>The variant every new data folder gets unless told otherwise.</summary>
    public static EmbeddingVariant Default => new(EmbeddingModelKind.ArcticXs, EmbeddingPrecision.Int8);

    /// <summary>Every name <see cref="Parse"/> accepts with an explicit precision, for help and error messages.</summary>
    public static IEnumerable<string> Names =>
        from model in Enum.GetValues<EmbeddingModelKind>()
        from precision in Enum.GetValues<EmbeddingPrecision>()
        select new EmbeddingVariant(model, precision).ToString();

    /// <summary>Reads <c>Model</c> or <c>Model-precision</c>, ignoring case.</summary>
    /// <exception cref="FormatException">The text names no model or precision; the message lists the names.</exception>
    public static EmbeddingVariant Parse(string text) =>
        TryParse(text, out var variant) ? variant
        : throw new FormatException($"'{text}' is not an embedding model; choose one of {string.Join(", ", Names)} (a bare model name means int8).");

    /// <summary>Reads <c>Model</c> or <c>Model-precision</c>, ignoring case; false when either part is unknown.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out EmbeddingVariant variant)
    {
        variant = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dash = text.LastIndexOf('-');
        var precision = EmbeddingPrecision.Int8;
        if ((dash >= 0 && !TryName(text[(dash + 1)..], out precision)) || !TryName<EmbeddingModelKind>(dash < 0 ? text : text[..dash], out var model))
        {
            return false;
        }

        variant = new EmbeddingVariant(model, precision);
        return true;
    }

    /// <summary>An enum member by its name only (numbers are not names here).</summary>
    private static bool TryName<T>(string name, out T value)
        where T : struct, Enum
    {
        var match = Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase));
        value = match is null ? default : Enum.Parse<T>(match);
        return match is not null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Model}-{Precision.ToString().ToLowerInvariant()}";

    /// <summary>Lets command-line parsers and configuration binders read a variant from its name.</summary>
    internal sealed class EmbeddingVariantConverter : TypeConverter
    {
        public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
            value is string text ? Parse(text) : base.ConvertFrom(context, culture, value);
    }
}
