using LLama.Native;

namespace RagStack.LlamaSharp;

/// <summary>Loads llama.cpp's native library once per process, with its log lines routed away from the console.</summary>
public static class LlamaNative
{
    private static readonly Lazy<bool> Loaded = new(() =>
    {
        // llama.cpp logs every tensor at load time; only warnings and errors are worth a user's attention, and they
        // belong on stderr, never mixed into an answer streamed to stdout.
        NativeLibraryConfig.All.WithLogCallback((level, message) =>
        {
            if (level is LLamaLogLevel.Error or LLamaLogLevel.Warning && Environment.GetEnvironmentVariable("RAGSTACK_LLAMA_LOG") is "1")
            {
                Console.Error.Write(message);
            }
        });
        NativeApi.llama_empty_call();
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure the native library is loaded and configured; cheap after the first call.</summary>
    public static void EnsureLoaded() => _ = Loaded.Value;
}
