// The llama.cpp runners linked from the LlamaSharp tests: llama.cpp is the reference reader of the files these tests write.
global using RagStack.LlamaSharp.Tests;
global using RagStack.LlamaSharp.Tests.Adapters;
global using RagStack.Testing;
global using Xunit;
