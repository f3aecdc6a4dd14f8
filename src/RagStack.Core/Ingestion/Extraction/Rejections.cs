using System.Globalization;
using RagStack.Extraction;

namespace RagStack.Ingestion.Extraction;

/// <summary>
/// Builds the one-line messages of <see cref="DocumentRejectedException"/>, so every extractor words the same failure
/// the same way. Messages never name the file: the pipeline puts its name in front.
/// </summary>
internal static class Rejections
{
    private const int MaxReasonLength = 200;

    public static DocumentRejectedException Corrupt(string format, Exception exception) =>
        new(RejectionReason.Corrupt, $"{format} could not be read: {ShortReason(exception)}", exception);

    public static DocumentRejectedException Unsupported(string what) =>
        new(RejectionReason.Unsupported, $"unsupported format ({what})");

    public static DocumentRejectedException TooLarge(string what, long size, long limit) =>
        new(RejectionReason.TooLarge, $"{what} is {Size(size)}; the limit is {Size(limit)}");

    /// <summary>A size in the unit a person reads best: "80.0 MiB", "12.5 KiB", "300 bytes".</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    private static string ShortReason(Exception exception)
    {
        var message = exception.Message;
        var lineEnd = message.IndexOfAny(['\r', '\n']);
        if (lineEnd >= 0)
        {
            message = message[..lineEnd];
        }

        message = message.Trim();
        if (message.Length == 0)
        {
            message = exception.GetType().Name;
        }

        return message.Length <= MaxReasonLength ? message : string.Concat(message.AsSpan(0, MaxReasonLength - 1), "…");
    }
}
