namespace LocalAI;

/// <summary>An operation that needs a model unloaded (deleting it) was refused because the model is loaded.</summary>
public sealed class ModelInUseException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="ModelInUseException"/> class.</summary>
    public ModelInUseException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelInUseException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public ModelInUseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelInUseException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ModelInUseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelInUseException"/> class for a model and backend.</summary>
    /// <param name="model">The model that is loaded.</param>
    /// <param name="backendId">The backend that has it loaded.</param>
    /// <param name="hint">What to do, for example which clients to dispose.</param>
    public ModelInUseException(string model, string backendId, string hint)
        : base($"Model '{model}' is loaded by backend '{backendId}', so it is not deleted. {hint}")
    {
        Model = model;
        BackendId = backendId;
    }

    /// <summary>Gets the model that is loaded.</summary>
    public string? Model { get; }
}
