using System.Numerics;
using System.Numerics.Tensors;

namespace RagStack.Training.Llama;

/// <summary>The trainable low-rank pair on one projection: A [rank, inputs] and B [outputs, rank], row-major like PEFT's lora_A and lora_B.</summary>
internal sealed class LoraAdapter<T>(int index, int layer, string module, int rank, int inputs, int outputs)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The adapter's position in its model's list, and so in every <see cref="LoraGradients{T}"/>.</summary>
    public int Index { get; } = index;

    public int Layer { get; } = layer;

    /// <summary>The PEFT module name, e.g. <c>q_proj</c>.</summary>
    public string Module { get; } = module;

    public int Rank { get; } = rank;

    public int Inputs { get; } = inputs;

    public int Outputs { get; } = outputs;

    public T[] A { get; } = new T[rank * inputs];

    public T[] B { get; } = new T[outputs * rank];
}

/// <summary>Gradients of every adapter of a model, in <see cref="LoraAdapter{T}.Index"/> order.</summary>
internal sealed class LoraGradients<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public LoraGradients(IReadOnlyList<LoraAdapter<T>> adapters)
    {
        A = [.. adapters.Select(a => new T[a.A.Length])];
        B = [.. adapters.Select(a => new T[a.B.Length])];
    }

    public T[][] A { get; }

    public T[][] B { get; }

    /// <summary>Every gradient array, A before B per adapter, in the order of <see cref="LlamaLoraModel{T}.Parameters"/>.</summary>
    public IEnumerable<T[]> All => A.Zip(B).SelectMany(pair => new[] { pair.First, pair.Second });

    public void Clear()
    {
        foreach (var g in All)
        {
            Array.Clear(g);
        }
    }

    public void Add(LoraGradients<T> other)
    {
        foreach (var (mine, theirs) in All.Zip(other.All))
        {
            TensorPrimitives.Add(mine, theirs, mine);
        }
    }
}

/// <summary>What a LoRA projection's forward pass keeps for its backward pass.</summary>
internal sealed record LoraActivations<T>(T[] Input, T[]? Keep, T[] Hidden);

/// <summary>A frozen projection <c>y = W·x</c>, plus <c>scale · B·A·dropout(x)</c> when it carries an adapter (PEFT's LoRA linear).</summary>
internal sealed class Projection<T>(T[] weight, int inputs, int outputs, LoraAdapter<T>? adapter, T scale)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public int Inputs { get; } = inputs;

    public int Outputs { get; } = outputs;

    public LoraAdapter<T>? Adapter { get; } = adapter;

    /// <summary>Writes <c>y</c> for the rows of <paramref name="x"/>; returns what the backward pass needs of the adapter, or null without one. <paramref name="dropout"/> draws the adapter's input mask (null: none, as in inference).</summary>
    public LoraActivations<T>? Forward(ReadOnlySpan<T> x, Span<T> y, Random? dropout, double dropoutRate)
    {
        Linear.Forward(x, weight, Inputs, Outputs, y);
        if (Adapter is null)
        {
            return null;
        }

        var rows = x.Length / Inputs;
        T[]? keep = null;
        var input = x.ToArray();
        if (dropout is not null && dropoutRate > 0)
        {
            keep = new T[input.Length];
            var kept = T.CreateChecked(1 / (1 - dropoutRate));
            for (var i = 0; i < keep.Length; i++)
            {
                keep[i] = dropout.NextDouble() < dropoutRate ? T.Zero : kept;
            }

            TensorPrimitives.Multiply(input, keep, input);
        }

        var hidden = new T[rows * Adapter.Rank];
        Linear.Forward<T>(input, Adapter.A, Inputs, Adapter.Rank, hidden);
        var update = new T[rows * Outputs];
        Linear.Forward<T>(hidden, Adapter.B, Adapter.Rank, Outputs, update);
        TensorPrimitives.MultiplyAdd(update, scale, y, y);
        return new LoraActivations<T>(input, keep, hidden);
    }

    /// <summary>Adds the input gradient to <paramref name="dx"/> and, with an adapter, its A and B gradients to <paramref name="gradients"/>.</summary>
    public void Backward(ReadOnlySpan<T> dy, Span<T> dx, LoraActivations<T>? activations, LoraGradients<T>? gradients)
    {
        Linear.BackwardInput(dy, weight, Inputs, Outputs, dx);
        if (Adapter is null || activations is null)
        {
            return;
        }

        var rows = dy.Length / Outputs;
        if (gradients is not null)
        {
            Linear.BackwardWeight<T>(dy, activations.Hidden, Adapter.Rank, Outputs, scale, gradients.B[Adapter.Index]);
        }

        var dHidden = new T[rows * Adapter.Rank];
        Linear.BackwardInput(dy, Adapter.B, Adapter.Rank, Outputs, dHidden);
        TensorPrimitives.Multiply(dHidden, scale, dHidden);
        if (gradients is not null)
        {
            Linear.BackwardWeight<T>(dHidden, activations.Input, Inputs, Adapter.Rank, T.One, gradients.A[Adapter.Index]);
        }

        var dInput = new T[rows * Inputs];
        Linear.BackwardInput<T>(dHidden, Adapter.A, Inputs, Adapter.Rank, dInput);
        if (activations.Keep is not null)
        {
            TensorPrimitives.Multiply(dInput, activations.Keep, dInput);
        }

        TensorPrimitives.Add(dx, dInput, dx);
    }
}
