"""The LocalAI MLX sidecar: a JSON-lines protocol layer (standard library only) over pluggable engines."""

PROTOCOL_VERSION = 1
