"""A deterministic engine for tests: no model, no MLX; it exercises the protocol and the process.

Load it with: mlx_server.py --engine-path <this folder> --engine deterministic_engine:DeterministicEngine

Chat models: "echo" streams "echo: <last user text>" word by word; "count" streams "1 2 3 ..." until
cancelled or max_tokens (one token per `token_delay` seconds); "hang" streams "waiting" then blocks
until cancelled. Messages with images get "image <bytes> bytes: <text>". Embedding models: any name;
the dimensions are the number after the last '-' (default 384); vectors are unit length and depend
only on model and text. Download: "tiny-model" reports three files; any other name is not found.
Engine options: start_delay (seconds slept before the server says ready), token_delay.
"""
import array
import base64
import hashlib
import math
import random
import re
import time

from localai_mlx.cache import ModelCache
from localai_mlx.errors import ProtocolError

CHAT_MODELS = ("echo", "count", "hang")


class DeterministicEngine:
    name = "deterministic"

    def __init__(self, options=None):
        options = options or {}
        delay = float(options.get("start_delay", 0))
        if delay > 0:
            time.sleep(delay)
        self._token_delay = float(options.get("token_delay", 0.002))
        self._cache = ModelCache(int(options.get("max_models", 2)))
        self._vectors = {}

    def describe(self):
        return {"capabilities": ["chat", "embeddings", "vision", "download"], "missing": []}

    def chat(self, model, messages, params, context):
        model = model or "echo"
        self._cache.get(("chat", model), lambda: model)
        prompt_tokens = sum(len(m.get("content", "").split()) for m in messages)
        max_tokens = params.get("max_tokens")
        user = [m for m in messages if m["role"] == "user"]
        last = user[-1] if user else messages[-1]
        if model == "echo":
            text = "echo: " + last.get("content", "")
            if last.get("images"):
                size = sum(len(base64.b64decode(i)) for i in last["images"])
                text = "image %d bytes: %s" % (size, last.get("content", ""))
            tokens = re.findall(r"\S+\s*", text)
        elif model == "count":
            tokens = ("%d " % n for n in range(1, 10 ** 9))
        elif model == "hang":
            tokens = None
        else:
            raise ProtocolError("model_not_found", "No chat model %r in the deterministic engine (have: %s)." % (model, ", ".join(CHAT_MODELS)))
        if tokens is None:
            yield "waiting "
            while not context.wait_cancelled(3600):
                pass
            return {"model": model, "prompt_tokens": prompt_tokens, "completion_tokens": 1, "finish_reason": "cancelled"}
        produced = 0
        for token in tokens:
            if max_tokens is not None and produced >= max_tokens:
                return {"model": model, "prompt_tokens": prompt_tokens, "completion_tokens": produced, "finish_reason": "length"}
            if model == "count" and context.wait_cancelled(self._token_delay):
                break
            produced += 1
            yield token
        return {"model": model, "prompt_tokens": prompt_tokens, "completion_tokens": produced, "finish_reason": "stop"}

    def embed(self, model, texts, context):
        model = model or "test-embed-384"
        match = re.search(r"-(\d+)$", model)
        dims = int(match.group(1)) if match else 384
        if dims < 1 or dims > 8192:
            raise ProtocolError("bad_request", "dimensions out of range")
        self._cache.get(("embeddings", model), lambda: model)
        return {"vectors": [self._vector(model, dims, t) for t in texts], "model": model,
                "prompt_tokens": sum(len(t.split()) for t in texts)}

    def _vector(self, model, dims, text):
        key = (model, text)
        vector = self._vectors.get(key)
        if vector is None:
            rng = random.Random(hashlib.sha256(("%s\0%s" % (model, text)).encode("utf-8")).digest())
            values = [rng.gauss(0.0, 1.0) for _ in range(dims)]
            norm = math.sqrt(sum(v * v for v in values))
            vector = array.array("f", (v / norm for v in values))
            if len(self._vectors) < 4096:
                self._vectors[key] = vector
        return vector

    def list_models(self):
        loaded = {m for _, m in self._cache.keys()}
        models = [{"id": m, "kind": "chat", "installed": True, "loaded": m in loaded} for m in CHAT_MODELS]
        models.append({"id": "test-embed-384", "kind": "embeddings", "installed": True, "dimensions": 384,
                       "loaded": "test-embed-384" in loaded})
        return models

    def load(self, model, kind, context):
        self._cache.get((kind, model), lambda: model)

    def unload(self, model):
        return any([self._cache.unload((kind, model)) for kind in ("chat", "embeddings", "vision")])

    def download(self, model, progress, context):
        if model != "tiny-model":
            raise ProtocolError("model_not_found", "No model %r to download." % model)
        files = (("config.json", 100), ("tokenizer.json", 300), ("model.safetensors", 600))
        total = sum(size for _, size in files)
        done = 0
        for name, size in files:
            context.check_cancelled()
            done += size
            progress("downloading", file=name, completed=done, total=total)
        progress("success", completed=total, total=total, percent=100.0)
        return {"path": "/models/tiny-model"}
