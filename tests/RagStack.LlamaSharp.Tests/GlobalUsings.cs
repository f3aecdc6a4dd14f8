global using Xunit;
global using RagStack.Generation;
