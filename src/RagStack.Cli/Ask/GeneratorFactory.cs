using Microsoft.Extensions.AI;
using RagStack.LlamaSharp;

namespace RagStack.Cli.Ask;

/// <summary>
/// Makes the chat client that writes answers from a GGUF model path; null (no model) means the answer is extractive.
/// The caller owns (and disposes) the client it gets.
/// </summary>
internal delegate IChatClient? GeneratorFactory(string? modelPath);

/// <summary>The generators <c>ragstack ask</c> can use.</summary>
internal static class Generators
{
    /// <summary>The local llama.cpp client, loaded for one question at a time (no parallel slots or kept prefixes).</summary>
    public static GeneratorFactory Default { get; } = LoadLocal;

    private static IChatClient? LoadLocal(string? modelPath)
    {
        if (modelPath is null)
        {
            return null;
        }

        try
        {
            return LlamaChatClient.Load(new LlamaModelOptions { ModelPath = modelPath, MaxParallelRequests = 1, PrefixCacheEntries = 0 });
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException)
        {
            throw new GeneratorUnavailableException(modelPath, e.Message.StartsWith(modelPath, StringComparison.Ordinal) ? e.Message[(modelPath.Length + 1)..].Trim() : e.Message);
        }
    }
}

/// <summary>A generator model was asked for but cannot be used; the message says why and what to do.</summary>
internal sealed class GeneratorUnavailableException(string modelPath, string reason) : Exception(reason)
{
    public string ModelPath { get; } = modelPath;
}
