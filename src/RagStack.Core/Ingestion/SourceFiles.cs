using Microsoft.Extensions.FileSystemGlobbing;

namespace RagStack.Ingestion;

/// <summary>A file to ingest and the name the document gets: its path relative to the folder or glob base it was found under.</summary>
public sealed record SourceFile(string Path, string Name);

/// <summary>
/// Expands what the user typed (files, folders, globs such as <c>docs/**/*.pdf</c>) into files. Folders are walked
/// recursively, skipping hidden entries and whatever a <c>.ragstackignore</c> file in the folder lists (one glob a line).
/// </summary>
public static class SourceFiles
{
    /// <summary>The file in a folder that lists, one glob a line, what not to ingest.</summary>
    public const string IgnoreFileName = ".ragstackignore";

    /// <summary>The files that <paramref name="arguments"/> (files, folders, globs) name; <paramref name="missing"/> gets those that matched nothing.</summary>
    public static IReadOnlyList<SourceFile> Expand(IEnumerable<string> arguments, out IReadOnlyList<string> missing)
    {
        var files = new List<SourceFile>();
        var notFound = new List<string>();
        foreach (var argument in arguments)
        {
            if (File.Exists(argument))
            {
                files.Add(new SourceFile(Path.GetFullPath(argument), Path.GetFileName(argument)));
            }
            else if (Directory.Exists(argument))
            {
                files.AddRange(Folder(Path.GetFullPath(argument)));
            }
            else if (argument.IndexOfAny(['*', '?']) >= 0)
            {
                var found = Glob(argument);
                if (found.Count == 0)
                {
                    notFound.Add(argument);
                }

                files.AddRange(found);
            }
            else
            {
                notFound.Add(argument);
            }
        }

        missing = notFound;
        return files.DistinctBy(f => f.Path).ToList();
    }

    private static List<SourceFile> Folder(string root)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude("**/*");
        matcher.AddExclude("**/.*");
        matcher.AddExclude("**/.*/**");
        var ignore = Path.Combine(root, IgnoreFileName);
        if (File.Exists(ignore))
        {
            foreach (var line in File.ReadAllLines(ignore).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var pattern = line.TrimStart('/');
                matcher.AddExclude(pattern.EndsWith('/') ? pattern + "**" : pattern);
            }
        }

        return matcher.GetResultsInFullPath(root)
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(path, Path.GetRelativePath(root, path).Replace('\\', '/')))
            .ToList();
    }

    private static List<SourceFile> Glob(string pattern)
    {
        // The base is the part of the pattern before its first wildcard segment.
        var segments = pattern.Replace('\\', '/').Split('/');
        var fixedCount = segments.TakeWhile(s => s.IndexOfAny(['*', '?']) < 0).Count();
        var root = fixedCount == 0 ? "." : string.Join('/', segments.Take(fixedCount));
        if (root.Length == 0)
        {
            root = "/";
        }

        if (!Directory.Exists(root))
        {
            return [];
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(string.Join('/', segments.Skip(fixedCount)));
        var fullRoot = Path.GetFullPath(root);
        return matcher.GetResultsInFullPath(fullRoot)
            .Order(StringComparer.Ordinal)
            .Select(path => new SourceFile(path, Path.GetRelativePath(fullRoot, path).Replace('\\', '/')))
            .ToList();
    }
}
