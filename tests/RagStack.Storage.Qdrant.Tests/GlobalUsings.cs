global using Xunit;
global using RagStack.Testing;
