using System.Globalization;

namespace RagStack.Cli.Models;

/// <summary>Sizes of model files as people read them: 468.6 MB, 1.1 GB (decimal units, as Hugging Face shows them).</summary>
internal static class ByteSize
{
    public static string Format(long bytes) => bytes switch
    {
        >= 1_000_000_000 => (bytes / 1e9).ToString("0.0 'GB'", CultureInfo.InvariantCulture),
        >= 1_000_000 => (bytes / 1e6).ToString("0.0 'MB'", CultureInfo.InvariantCulture),
        >= 1_000 => (bytes / 1e3).ToString("0.0 'kB'", CultureInfo.InvariantCulture),
        _ => bytes.ToString("0 'B'", CultureInfo.InvariantCulture),
    };
}
