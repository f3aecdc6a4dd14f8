global using RagStack.LlamaSharp.Tests;
global using RagStack.LlamaSharp.Tests.Adapters;
global using Xunit;
