namespace RagStack.Input;

/// <summary>
/// Reads an enum from a request by its defined names only. <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/>
/// also accepts numbers ("3") and comma-separated flag lists ("dense,keyword"), which give values no code handles.
/// </summary>
public static class DefinedNames
{
    /// <summary>The value whose name is <paramref name="text"/> (any case); false for anything else, numbers and lists included.</summary>
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        foreach (var name in Enum.GetNames<TEnum>())
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                value = Enum.Parse<TEnum>(name);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The names a request may use, lower case, e.g. "hybrid, dense, keyword".</summary>
    public static string List<TEnum>()
        where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
}
