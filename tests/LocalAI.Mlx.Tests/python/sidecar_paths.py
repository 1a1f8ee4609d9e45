"""Puts the sidecar's package (localai_mlx) and this folder on sys.path for the tests.

The server folder is taken from LOCALAI_MLX_SERVER_DIR, else the build output layout (the tests are
copied to <output>/python-tests, the server to <output>), else the source tree.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def server_dir():
    candidates = [os.environ.get("LOCALAI_MLX_SERVER_DIR"),
                  os.path.dirname(HERE),
                  os.path.join(HERE, "..", "..", "..", "src", "LocalAI.Mlx", "python")]
    for candidate in candidates:
        if candidate and os.path.isfile(os.path.join(candidate, "mlx_server.py")):
            return os.path.abspath(candidate)
    raise RuntimeError("mlx_server.py not found; set LOCALAI_MLX_SERVER_DIR")


SERVER_DIR = server_dir()
SERVER_SCRIPT = os.path.join(SERVER_DIR, "mlx_server.py")
for path in (SERVER_DIR, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)
