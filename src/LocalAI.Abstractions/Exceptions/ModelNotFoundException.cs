namespace LocalAI;

/// <summary>A backend does not know the model a request named.</summary>
public sealed class ModelNotFoundException : LocalAIException
{
    /// <summary>Initializes a new instance of the <see cref="ModelNotFoundException"/> class.</summary>
    public ModelNotFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelNotFoundException"/> class with a message.</summary>
    /// <param name="message">What happened and what to do.</param>
    public ModelNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelNotFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public ModelNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ModelNotFoundException"/> class for a model and backend.</summary>
    /// <param name="model">The model that was not found.</param>
    /// <param name="backendId">The backend asked.</param>
    /// <param name="hint">What to do, for example how to download the model.</param>
    /// <param name="innerException">The cause.</param>
    public ModelNotFoundException(string model, string backendId, string? hint, Exception? innerException = null)
        : base($"Model '{model}' was not found on backend '{backendId}'.{(hint is null ? string.Empty : " " + hint)}", innerException)
    {
        Model = model;
        BackendId = backendId;
    }

    /// <summary>Gets the model that was not found.</summary>
    public string? Model { get; }
}
