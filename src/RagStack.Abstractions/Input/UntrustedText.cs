using System.Globalization;
using System.Text;

namespace RagStack.Input;

/// <summary>
/// Text that came from a caller (a name, a header, a path) made safe to show in a message or a log line: it cannot start
/// a new line, hide or reorder characters, or fill a screen.
/// </summary>
public static class UntrustedText
{
    /// <summary>How many characters of a value <see cref="Quote"/> shows by default.</summary>
    public const int DefaultShownLength = 80;

    /// <summary>
    /// <paramref name="value"/> in double quotes, with every invisible character (see <see cref="IsInvisible"/>) written as
    /// a <c>\uXXXX</c> escape, cut after <paramref name="maxLength"/> characters with "…".
    /// </summary>
    public static string Quote(string? value, int maxLength = DefaultShownLength) => $"\"{Escape(value, maxLength)}\"";

    /// <summary><paramref name="value"/> as <see cref="Quote"/> shows it, without the quotes.</summary>
    public static string Escape(string? value, int maxLength = DefaultShownLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        value ??= "";
        var shown = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        for (var i = 0; i < value.Length && i < maxLength; i++)
        {
            var c = value[i];
            if (IsInvisible(value, i))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return (value.Length > maxLength ? shown.Append('…') : shown).ToString();
    }

    /// <summary>
    /// True for a character that shows nothing or changes how the characters around it show: control characters, format
    /// characters (Unicode category Cf: U+202E right-to-left override, U+200B zero-width space, U+FEFF byte-order mark…),
    /// line and paragraph separators, spaces other than U+0020, private-use and unassigned code points, lone surrogates, and
    /// the blank letters (Hangul fillers, braille blank) that render as nothing.
    /// </summary>
    public static bool IsInvisible(string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        var c = text[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 >= text.Length || !char.IsLowSurrogate(text[index + 1])
                || CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[index + 1])) is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
        }

        if (char.IsLowSurrogate(c))
        {
            return index == 0 || !char.IsHighSurrogate(text[index - 1]) || IsInvisible(text, index - 1);
        }

        return c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800' or '\u034F'
            || CharUnicodeInfo.GetUnicodeCategory(c) switch
            {
                UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => true,
                UnicodeCategory.SpaceSeparator => c != ' ',
                _ => false,
            };
    }

    /// <summary>The index of the first invisible character of <paramref name="text"/>, or -1 when it has none.</summary>
    public static int IndexOfInvisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsInvisible(text, i))
            {
                return i;
            }
        }

        return -1;
    }
}
