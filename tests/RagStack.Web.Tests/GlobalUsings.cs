global using Xunit;

// One browser stack at a time: the machine's cores go to the servers and Chromium, not to two stacks at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
