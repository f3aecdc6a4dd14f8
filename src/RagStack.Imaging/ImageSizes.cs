using System.Drawing;
using System.Globalization;

namespace RagStack.Imaging;

/// <summary>Image sizes written as OpenAI writes them, <c>WIDTHxHEIGHT</c> (<c>64x64</c>): one reading for the CLI, the servers and the kernel adapter.</summary>
public static class ImageSizes
{
    /// <summary>Reads <c>64x64</c>; false for anything else (two positive whole numbers around one <c>x</c>).</summary>
    public static bool TryParse(string? text, out Size size)
    {
        size = default;
        var parts = text?.Split('x', 'X');
        if (parts is not [var w, var h]
            || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || width <= 0 || height <= 0)
        {
            return false;
        }

        size = new Size(width, height);
        return true;
    }
}
