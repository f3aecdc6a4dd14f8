global using Xunit;
global using RagStack.Generation;
global using RagStack.Testing;
