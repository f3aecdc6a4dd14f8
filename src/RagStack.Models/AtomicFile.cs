namespace RagStack.Models;

/// <summary>Writes a file through a temporary name beside it and moves it into place, so a failed write leaves no partial file and an old one untouched.</summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<FileStream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                write(file);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            // File.Delete throws when the folder is missing, which would hide the error that brought us here.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
