"""Puts the sidecar's package (localai_mlx), the test engines and this folder on sys.path for the tests.

The server folder is taken from LOCALAI_MLX_SERVER_DIR, else the build output layout (the tests are
copied to <output>/python-tests, the server to <output>), else the source tree. The engines folder is
taken from LOCALAI_MLX_TEST_ENGINES_DIR, else <output>/mlx-test-engines (copied from LocalAI.Testing.Mlx),
else the source tree.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _first_dir_with(marker, candidates, variable):
    for candidate in candidates:
        if candidate and os.path.isfile(os.path.join(candidate, marker)):
            return os.path.abspath(candidate)
    raise RuntimeError("%s not found; set %s" % (marker, variable))


SERVER_DIR = _first_dir_with("mlx_server.py", [
    os.environ.get("LOCALAI_MLX_SERVER_DIR"),
    os.path.dirname(HERE),
    os.path.join(HERE, "..", "..", "..", "src", "LocalAI.Mlx", "python")], "LOCALAI_MLX_SERVER_DIR")
ENGINES_DIR = _first_dir_with("deterministic_engine.py", [
    os.environ.get("LOCALAI_MLX_TEST_ENGINES_DIR"),
    os.path.join(os.path.dirname(HERE), "mlx-test-engines"),
    os.path.join(HERE, "..", "..", "LocalAI.Testing.Mlx", "engines")], "LOCALAI_MLX_TEST_ENGINES_DIR")
SERVER_SCRIPT = os.path.join(SERVER_DIR, "mlx_server.py")
for path in (SERVER_DIR, ENGINES_DIR, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)
