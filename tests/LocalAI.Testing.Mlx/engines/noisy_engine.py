"""An engine that prints to stdout, as careless libraries do; the server must keep stdout for protocol lines."""
import os
import sys

from deterministic_engine import DeterministicEngine


class NoisyEngine(DeterministicEngine):
    name = "noisy"

    def __init__(self, options=None):
        print("noise from the engine at start")
        super().__init__(options)

    def embed(self, model, texts, context):
        print("noise from the engine during a request")
        sys.stdout.flush()
        os.write(1, b"noise from the engine through fd 1\n")
        return super().embed(model, texts, context)
