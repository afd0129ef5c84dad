namespace GpuGen.Training;

/// <summary>
/// One option of a family's `gpugen train` sub-command, declared by the family (in its folder, next to
/// the config it builds): the flag's name, help line, default and allowed values. The command line turns
/// each into a flag; the family reads the values back from <see cref="TrainArguments"/>, which an
/// embedding program can fill without a command line.
/// </summary>
public abstract class TrainParameter
{
    private protected TrainParameter(string name, string description, IReadOnlyList<string> aliases)
    {
        if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"a parameter's name is its flag, like --hidden, not '{name}'", nameof(name));
        Name = name;
        Description = description;
        Aliases = aliases;
    }

    /// <summary>The flag, e.g. "--hidden".</summary>
    public string Name { get; }

    /// <summary>Other spellings of the flag.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The help line.</summary>
    public string Description { get; }

    /// <summary>The values a string parameter accepts (empty: any).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>The value's type (nullable types for "the family's default, which depends on the data").</summary>
    public abstract Type ValueType { get; }

    /// <summary>Calls back with the parameter's value type known, so a command line can make a typed flag of it.</summary>
    public abstract TResult Accept<TResult>(ITrainParameterVisitor<TResult> visitor);

    public override string ToString() => Name;
}

/// <summary>A <see cref="TrainParameter"/> whose value is a <typeparamref name="T"/>.</summary>
public sealed class TrainParameter<T> : TrainParameter
{
    /// <summary>A parameter without a default: its value is default(<typeparamref name="T"/>) (null, false) unless given.</summary>
    public TrainParameter(string name, string description, params IReadOnlyList<string> aliases) : base(name, description, aliases) { }

    /// <summary>A parameter whose value is <paramref name="defaultValue"/> unless given.</summary>
    public TrainParameter(string name, string description, T defaultValue, params IReadOnlyList<string> aliases) : base(name, description, aliases)
    {
        Default = defaultValue;
        HasDefault = true;
    }

    /// <summary>The value when the parameter is not given.</summary>
    public T Default { get; } = default!;

    /// <summary>Whether <see cref="Default"/> was declared (the help then shows it).</summary>
    public bool HasDefault { get; }

    public override Type ValueType => typeof(T);

    public override TResult Accept<TResult>(ITrainParameterVisitor<TResult> visitor) => visitor.Visit(this);
}

/// <summary>What <see cref="TrainParameter.Accept{TResult}"/> calls, with the value type as a type argument.</summary>
public interface ITrainParameterVisitor<out TResult>
{
    TResult Visit<T>(TrainParameter<T> parameter);
}
