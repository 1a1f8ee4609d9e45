namespace LocalAI.Mlx;

/// <summary>One message of a <c>chat</c> request as the sidecar reads it: a role, the text, and the images' bytes.</summary>
/// <param name="Role">The role (<c>system</c>, <c>user</c>, <c>assistant</c>, ...).</param>
/// <param name="Content">The text of the message.</param>
/// <param name="Images">The images the message carries, or <see langword="null"/>.</param>
internal sealed record SidecarChatMessage(string Role, string Content, IReadOnlyList<ReadOnlyMemory<byte>>? Images);
