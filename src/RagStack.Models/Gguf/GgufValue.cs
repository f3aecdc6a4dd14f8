using System.Globalization;

namespace RagStack.Models.Gguf;

/// <summary>The value types a GGUF metadata entry can hold, with the numbers the format stores.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>One GGUF metadata value: a scalar, a string, or an array of one element type (arrays of arrays included).</summary>
public sealed class GgufValue : IEquatable<GgufValue>
{
    private GgufValue(GgufValueType type, object value, GgufValueType? elementType = null)
    {
        Type = type;
        Value = value;
        ElementType = elementType;
    }

    /// <summary>The stored type.</summary>
    public GgufValueType Type { get; }

    /// <summary>For arrays, the type of every element; null for scalars and strings.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>The value: a boxed primitive, a string, or for arrays a typed .NET array (<c>string[]</c>, <c>float[]</c>, <c>GgufValue[]</c> for arrays of arrays, …).</summary>
    public object Value { get; }

    /// <summary>Number of elements of an array value, 1 for a scalar.</summary>
    public int Count => Value is Array array ? array.Length : 1;

#pragma warning disable CS1591 // One factory per GGUF type; the parameter type says it all.
    public static GgufValue Of(byte value) => new(GgufValueType.UInt8, value);
    public static GgufValue Of(sbyte value) => new(GgufValueType.Int8, value);
    public static GgufValue Of(ushort value) => new(GgufValueType.UInt16, value);
    public static GgufValue Of(short value) => new(GgufValueType.Int16, value);
    public static GgufValue Of(uint value) => new(GgufValueType.UInt32, value);
    public static GgufValue Of(int value) => new(GgufValueType.Int32, value);
    public static GgufValue Of(float value) => new(GgufValueType.Float32, value);
    public static GgufValue Of(bool value) => new(GgufValueType.Bool, value);
    public static GgufValue Of(string value) => new(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)));
    public static GgufValue Of(ulong value) => new(GgufValueType.UInt64, value);
    public static GgufValue Of(long value) => new(GgufValueType.Int64, value);
    public static GgufValue Of(double value) => new(GgufValueType.Float64, value);
    public static GgufValue Of(byte[] values) => Array(GgufValueType.UInt8, values);
    public static GgufValue Of(sbyte[] values) => Array(GgufValueType.Int8, values);
    public static GgufValue Of(ushort[] values) => Array(GgufValueType.UInt16, values);
    public static GgufValue Of(short[] values) => Array(GgufValueType.Int16, values);
    public static GgufValue Of(uint[] values) => Array(GgufValueType.UInt32, values);
    public static GgufValue Of(int[] values) => Array(GgufValueType.Int32, values);
    public static GgufValue Of(float[] values) => Array(GgufValueType.Float32, values);
    public static GgufValue Of(bool[] values) => Array(GgufValueType.Bool, values);
    public static GgufValue Of(string[] values) => Array(GgufValueType.String, values);
    public static GgufValue Of(ulong[] values) => Array(GgufValueType.UInt64, values);
    public static GgufValue Of(long[] values) => Array(GgufValueType.Int64, values);
    public static GgufValue Of(double[] values) => Array(GgufValueType.Float64, values);
    public static GgufValue Of(GgufValue[] arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        if (arrays.Any(a => a.Type != GgufValueType.Array))
        {
            throw new ArgumentException("An array of arrays holds array values only.", nameof(arrays));
        }

        return new GgufValue(GgufValueType.Array, arrays, GgufValueType.Array);
    }
#pragma warning restore CS1591

    /// <summary>The string value; throws when the value is not a string.</summary>
    public string AsString() => Value as string ?? throw WrongType("a string");

    /// <summary>An integer value of any width, widened to <see cref="long"/>.</summary>
    public long AsInt64() => Value switch
    {
        byte or sbyte or ushort or short or uint or int or long => Convert.ToInt64(Value, CultureInfo.InvariantCulture),
        ulong u when u <= long.MaxValue => (long)u,
        _ => throw WrongType("an integer"),
    };

    /// <summary>A number of any type (integer or float) as a <see cref="double"/>.</summary>
    public double AsDouble() => Value switch
    {
        float or double or byte or sbyte or ushort or short or uint or int or long or ulong => Convert.ToDouble(Value, CultureInfo.InvariantCulture),
        _ => throw WrongType("a number"),
    };

    /// <summary>The boolean value.</summary>
    public bool AsBool() => Value as bool? ?? throw WrongType("a bool");

    /// <summary>The elements of an array value as <typeparamref name="T"/>[] (e.g. <c>AsArray&lt;string&gt;()</c> for token lists).</summary>
    public T[] AsArray<T>() => Value as T[] ?? throw WrongType($"an array of {typeof(T).Name}");

    /// <inheritdoc/>
    public bool Equals(GgufValue? other) =>
        other is not null && Type == other.Type && ElementType == other.ElementType && ValuesEqual(Value, other.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Type, ElementType, Value is Array a ? a.Length : Value.GetHashCode());

    /// <inheritdoc/>
    public override string ToString() => Value switch
    {
        string s => s,
        Array a => $"[{ElementType}; {a.Length}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };

    internal static GgufValue Scalar(GgufValueType type, object value) => new(type, value);

    internal static GgufValue Array(GgufValueType elementType, Array values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (elementType == GgufValueType.String && ((string?[])values).Any(s => s is null))
        {
            throw new ArgumentException("A string array cannot hold null.", nameof(values));
        }

        return new GgufValue(GgufValueType.Array, values, elementType);
    }

    private static bool ValuesEqual(object a, object b)
    {
        if (a is Array x && b is Array y)
        {
            if (x.Length != y.Length)
            {
                return false;
            }

            for (var i = 0; i < x.Length; i++)
            {
                if (!ValuesEqual(x.GetValue(i)!, y.GetValue(i)!))
                {
                    return false;
                }
            }

            return true;
        }

        return a.Equals(b);
    }

    private InvalidOperationException WrongType(string expected) =>
        new($"The metadata value is {(ElementType is { } e ? $"an array of {e}" : Type.ToString())}, not {expected}.");
}
