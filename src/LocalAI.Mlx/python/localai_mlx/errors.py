"""Errors that become protocol error responses."""
import sys

# pip distribution names of the modules the production engines import lazily.
PIP_NAMES = {
    "mlx": "mlx",
    "mlx_lm": "mlx-lm",
    "mlx_vlm": "mlx-vlm",
    "mlx_embeddings": "mlx-embeddings",
    "sentence_transformers": "sentence-transformers",
    "huggingface_hub": "huggingface_hub",
    "numpy": "numpy",
}


class ProtocolError(Exception):
    """A failure reported to the client as {"success": false, "error": {"code": ..., "message": ...}}."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Cancelled(Exception):
    """The client cancelled the request."""


def pip_command(module):
    """The command that installs `module` into the interpreter running this server."""
    return "%s -m pip install %s" % (sys.executable, PIP_NAMES.get(module, module.replace("_", "-")))


class ModuleMissing(ProtocolError):
    """An engine needs a Python module that is not installed."""

    def __init__(self, module, purpose):
        super().__init__(
            "module_missing",
            "Python module '%s' (needed for %s) is not installed: run `%s`." % (module, purpose, pip_command(module)))
        self.module = module
