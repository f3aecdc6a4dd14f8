namespace RagStack.Answering;

/// <summary>Finds the repository's <c>prompts/</c> folder, so edited prompts take effect without a rebuild.</summary>
internal static class PromptFolder
{
    /// <summary>
    /// The nearest <c>prompts/</c> holding the answer prompt, walking up from the executable (a checkout's bin folder
    /// sits below the repository root); null when there is none, as for an installed tool, which then uses the copy
    /// embedded in RagStack.Core.
    /// </summary>
    public static string? Find(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "prompts");
            if (File.Exists(Path.Combine(candidate, "answer", "skprompt.txt")) && File.Exists(Path.Combine(candidate, "answer", "config.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
