#!/usr/bin/env python3
"""LocalAI MLX sidecar: speaks JSON lines over stdin/stdout (see localai_mlx/protocol.py).

Usage: python3 mlx_server.py [--engine module:Class] [--engine-path DIR] [--engine-option key=value ...]
                             [--max-models N] [--max-line-bytes N] [--workers N]

stdout carries only protocol lines; logs go to stderr. The server exits on `shutdown` or when stdin closes.
"""
import sys

if sys.version_info < (3, 10):
    sys.stderr.write("LocalAI MLX sidecar needs Python 3.10 or later; this is %d.%d.%d (%s).\n"
                     % (sys.version_info[0], sys.version_info[1], sys.version_info[2], sys.executable))
    sys.exit(3)

import os  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from localai_mlx.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
