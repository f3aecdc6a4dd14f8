using System.Globalization;

namespace RagStack.Cli.Models;

/// <summary>How the models commands print sizes and counts.</summary>
internal static class ModelFormat
{
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture)} MiB",
        >= 1L << 10 => $"{(bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture)} KiB",
        _ => $"{bytes} B",
    };

    public static string Parameters(long count) =>
        count >= 1_000_000_000 ? $"{(count / 1e9).ToString("0.00", CultureInfo.InvariantCulture)} B ({count.ToString("N0", CultureInfo.InvariantCulture)})"
        : count >= 1_000_000 ? $"{(count / 1e6).ToString("0.0", CultureInfo.InvariantCulture)} M ({count.ToString("N0", CultureInfo.InvariantCulture)})"
        : count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Bits(double bitsPerWeight) => bitsPerWeight.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
