global using RagStack.LlamaSharp.Tests.Adapters;
global using RagStack.Testing;
global using Xunit;
