"""Command line of the sidecar: picks the engine and runs the protocol server on stdin/stdout."""
import argparse
import importlib
import os
import sys

from .protocol import DEFAULT_MAX_LINE_BYTES, LineWriter, Server

DEFAULT_ENGINE = "localai_mlx.engines:AutoEngine"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="mlx_server.py", description="LocalAI MLX sidecar (JSON lines over stdin/stdout).")
    parser.add_argument("--engine", default=DEFAULT_ENGINE,
                        help="engine as module:Class (default %(default)s: mlx_lm, mlx_embeddings or "
                             "sentence_transformers, mlx_vlm, chosen per request and per what imports)")
    parser.add_argument("--engine-path", action="append", default=[],
                        help="folder added to sys.path before the engine module is imported (repeatable)")
    parser.add_argument("--engine-option", action="append", default=[], metavar="KEY=VALUE",
                        help="option passed to the engine's constructor (repeatable)")
    parser.add_argument("--max-models", type=int, default=2, help="loaded models kept in memory (default %(default)s)")
    parser.add_argument("--max-line-bytes", type=int, default=DEFAULT_MAX_LINE_BYTES,
                        help="longest request line accepted (default %(default)s)")
    parser.add_argument("--workers", type=int, default=8, help="requests served at once (default %(default)s)")
    return parser.parse_args(argv)


def load_engine(spec, paths, options):
    """Imports `module:Class` (after adding `paths` to sys.path) and instantiates it with `options`."""
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError("--engine must be module:Class, got %r" % spec)
    for path in paths:
        if path not in sys.path:
            sys.path.insert(0, path)
    engine_type = getattr(importlib.import_module(module_name), class_name)
    return engine_type(options)


def parse_options(pairs):
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError("--engine-option must be KEY=VALUE, got %r" % pair)
        options[key] = value
    return options


def main(argv):
    args = parse_args(argv)
    protocol_out = _claim_stdout()
    options = parse_options(args.engine_option)
    options.setdefault("max_models", str(args.max_models))
    try:
        engine = load_engine(args.engine, args.engine_path, options)
    except Exception as exc:  # noqa: BLE001 - report why the engine could not start, then exit
        sys.stderr.write("LocalAI MLX sidecar: cannot load engine %s: %s: %s\n" % (args.engine, type(exc).__name__, exc))
        return 4
    server = Server(engine, LineWriter(protocol_out), max_line_bytes=args.max_line_bytes, workers=args.workers)
    return server.serve(sys.stdin.buffer)


def _claim_stdout():
    """Keeps file descriptor 1 for protocol lines only: engines and native libraries that print to
    stdout are sent to stderr, so nothing but protocol lines reaches the client."""
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb", buffering=1 << 16)
