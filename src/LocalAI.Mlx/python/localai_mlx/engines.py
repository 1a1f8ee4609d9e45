"""Production engines, imported lazily per request: mlx_lm (chat), mlx_embeddings or
sentence_transformers (embeddings), mlx_vlm (vision), huggingface_hub (download).

Nothing here is imported at start-up; a request whose engine module is missing fails with a
`module_missing` error that names the pip command.
"""
import base64
import gc
import importlib
import importlib.util
import os
import sys
import tempfile

from .cache import ModelCache
from .errors import ModuleMissing, ProtocolError, pip_command

DEFAULT_CHAT_MODEL = "mlx-community/Llama-3.2-3B-Instruct-4bit"
DEFAULT_EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_VISION_MODEL = "mlx-community/pixtral-12b-4bit"

_NEEDS = {
    "chat": ("mlx_lm",),
    "embeddings": ("mlx_embeddings", "sentence_transformers"),
    "vision": ("mlx_vlm",),
    "download": ("huggingface_hub",),
}


def importable(module):
    """Whether `module` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module, purpose):
    """Imports `module`, or raises ModuleMissing naming the pip command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if getattr(exc, "name", module) not in (None, module) and importable(module):
            raise
        raise ModuleMissing(module, purpose) from exc


def _is_apple_silicon():
    return sys.platform == "darwin" and os.uname().machine == "arm64"


class AutoEngine:
    """Chooses the engine per request from the model kind and from what imports."""

    name = "auto"

    def __init__(self, options=None):
        options = options or {}
        self._device = options.get("device")  # sentence_transformers device, e.g. "cpu" or "cuda"
        self._prefer = options.get("embeddings_engine")  # force "mlx_embeddings" or "sentence_transformers"
        self._cache = ModelCache(int(options.get("max_models", 2)), on_unload=self._release)

    # ---- description ----------------------------------------------------------------------
    def describe(self):
        capabilities, missing = [], []
        for capability, modules in _NEEDS.items():
            usable = [m for m in modules if importable(m) and (m != "mlx_embeddings" or _is_apple_silicon())]
            if capability in ("chat", "vision") and not _is_apple_silicon():
                usable = []
            if usable:
                capabilities.append(capability)
            else:
                # Off Apple Silicon only sentence_transformers can embed; MLX modules cannot help there.
                suggested = "sentence_transformers" if capability == "embeddings" and not _is_apple_silicon() else modules[0]
                missing.append({"capability": capability, "module": suggested, "pip": pip_command(suggested)})
        return {"capabilities": capabilities, "missing": missing}

    # ---- chat and vision ------------------------------------------------------------------
    def chat(self, model, messages, params, context):
        if any(m.get("images") for m in messages):
            return self._vision(model or DEFAULT_VISION_MODEL, messages, params, context)
        return self._chat(model or DEFAULT_CHAT_MODEL, messages, params, context)

    def _chat(self, model_id, messages, params, context):
        mlx_lm = require("mlx_lm", "chat")
        model, tokenizer = self._cache.get(("chat", model_id), lambda: self._load_lm(mlx_lm, model_id))
        plain = [{"role": m["role"], "content": m.get("content", "")} for m in messages]
        prompt = tokenizer.apply_chat_template(plain, add_generation_prompt=True, tokenize=False)
        sample_utils = importlib.import_module("mlx_lm.sample_utils")
        sampler = sample_utils.make_sampler(temp=float(params.get("temperature", 0.0)), top_p=float(params.get("top_p", 1.0)))
        if "seed" in params:
            require("mlx.core", "chat").random.seed(params["seed"])
        final = {"model": model_id, "prompt_tokens": 0, "completion_tokens": 0, "finish_reason": "stop"}
        for response in mlx_lm.stream_generate(model, tokenizer, prompt, max_tokens=int(params.get("max_tokens", 512)), sampler=sampler):
            final["prompt_tokens"] = getattr(response, "prompt_tokens", 0)
            final["completion_tokens"] = getattr(response, "generation_tokens", 0)
            if getattr(response, "finish_reason", None):
                final["finish_reason"] = response.finish_reason
            yield response.text
            if context.cancelled:
                break
        return final

    @staticmethod
    def _load_lm(mlx_lm, model_id):
        try:
            return mlx_lm.load(model_id)
        except (FileNotFoundError, OSError) as exc:
            raise ProtocolError("model_not_found", "Cannot load chat model %r: %s. Download it first." % (model_id, exc)) from exc

    def _vision(self, model_id, messages, params, context):
        mlx_vlm = require("mlx_vlm", "vision")
        prompt_utils = importlib.import_module("mlx_vlm.prompt_utils")
        utils = importlib.import_module("mlx_vlm.utils")
        model, processor = self._cache.get(("vision", model_id), lambda: mlx_vlm.load(model_id))
        config = utils.load_config(model_id)
        images = [i for m in messages for i in m.get("images", [])]
        prompt = "\n".join(m.get("content", "") for m in messages if m["role"] in ("system", "user"))
        formatted = prompt_utils.apply_chat_template(processor, config, prompt, num_images=len(images))
        with tempfile.TemporaryDirectory(prefix="localai-mlx-") as folder:
            paths = []
            for index, data in enumerate(images):
                path = os.path.join(folder, "image%d" % index)
                with open(path, "wb") as handle:
                    handle.write(base64.b64decode(data))
                paths.append(path)
            final = {"model": model_id, "prompt_tokens": 0, "completion_tokens": 0, "finish_reason": "stop"}
            for response in mlx_vlm.stream_generate(model, processor, formatted, image=paths,
                                                    max_tokens=int(params.get("max_tokens", 512)),
                                                    temperature=float(params.get("temperature", 0.0))):
                final["completion_tokens"] += 1
                final["prompt_tokens"] = getattr(response, "prompt_tokens", 0)
                yield response.text
                if context.cancelled:
                    break
        return final

    # ---- embeddings -----------------------------------------------------------------------
    def _embedding_module(self):
        if self._prefer:
            return self._prefer
        if _is_apple_silicon() and importable("mlx_embeddings"):
            return "mlx_embeddings"
        if importable("sentence_transformers"):
            return "sentence_transformers"
        return "mlx_embeddings" if _is_apple_silicon() else "sentence_transformers"

    def embed(self, model, texts, context):
        model_id = model or DEFAULT_EMBEDDING_MODEL
        module = self._embedding_module()
        if module == "mlx_embeddings":
            utils = require("mlx_embeddings", "embeddings") and importlib.import_module("mlx_embeddings.utils")
            model_obj, tokenizer = self._cache.get(("embeddings", model_id), lambda: utils.load(model_id))
            inputs = tokenizer.batch_encode_plus(texts, return_tensors="mlx", padding=True, truncation=True, max_length=512)
            outputs = model_obj(inputs["input_ids"], attention_mask=inputs["attention_mask"])
            numpy = require("numpy", "embeddings")
            vectors = numpy.array(outputs.text_embeds, dtype=numpy.float32)
            tokens = int(numpy.array(inputs["attention_mask"]).sum())
        else:
            st = require("sentence_transformers", "embeddings")
            model_obj = self._cache.get(("embeddings", model_id), lambda: self._load_st(st, model_id))
            vectors = model_obj.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype("float32")
            tokens = sum(len(ids) for ids in model_obj.tokenizer(texts)["input_ids"])
        return {"vectors": vectors, "model": model_id, "prompt_tokens": tokens}

    def _load_st(self, st, model_id):
        try:
            return st.SentenceTransformer(model_id, device=self._device)
        except (FileNotFoundError, OSError) as exc:
            raise ProtocolError("model_not_found", "Cannot load embedding model %r: %s. Download it first." % (model_id, exc)) from exc

    # ---- models ---------------------------------------------------------------------------
    def load(self, model, kind, context):
        if kind == "embeddings":
            self.embed(model, ["warm up"], context)
        elif kind == "vision":
            mlx_vlm = require("mlx_vlm", "vision")
            self._cache.get(("vision", model), lambda: mlx_vlm.load(model))
        else:
            mlx_lm = require("mlx_lm", "chat")
            self._cache.get(("chat", model), lambda: self._load_lm(mlx_lm, model))

    def unload(self, model):
        return any([self._cache.unload((kind, model)) for kind in ("chat", "embeddings", "vision")])

    @staticmethod
    def _release(key, value):
        del value
        gc.collect()
        if importable("mlx"):
            try:
                importlib.import_module("mlx.core").clear_cache()
            except (ImportError, AttributeError):
                pass

    def list_models(self):
        loaded = {model for _, model in self._cache.keys()}
        models, seen = [], set()
        if importable("huggingface_hub"):
            hub = importlib.import_module("huggingface_hub")
            try:
                info = hub.scan_cache_dir()
                for repo in info.repos:
                    if repo.repo_type == "model":
                        seen.add(repo.repo_id)
                        models.append({"id": repo.repo_id, "installed": True, "size_bytes": repo.size_on_disk,
                                       "loaded": repo.repo_id in loaded, "kind": _guess_kind(repo.repo_id)})
            except Exception as exc:  # noqa: BLE001 - an empty or unreadable cache lists nothing
                sys.stderr.write("LocalAI MLX sidecar: cannot scan the Hugging Face cache: %s\n" % exc)
        for model_id, kind, dims in ((DEFAULT_CHAT_MODEL, "chat", None), (DEFAULT_EMBEDDING_MODEL, "embeddings", 384),
                                     (DEFAULT_VISION_MODEL, "vision", None)):
            if model_id not in seen:
                entry = {"id": model_id, "installed": False, "loaded": model_id in loaded, "kind": kind}
                if dims:
                    entry["dimensions"] = dims
                models.append(entry)
        for model_id in loaded - seen - {DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL, DEFAULT_VISION_MODEL}:
            models.append({"id": model_id, "installed": True, "loaded": True, "kind": _guess_kind(model_id)})
        return models

    def download(self, model, progress, context):
        hub = require("huggingface_hub", "model download")
        api = hub.HfApi()
        try:
            info = api.model_info(model, files_metadata=True)
        except Exception as exc:  # noqa: BLE001 - the hub raises several types for a missing repository
            if type(exc).__name__ in ("RepositoryNotFoundError", "GatedRepoError", "RevisionNotFoundError"):
                raise ProtocolError("model_not_found", "Hugging Face has no model %r (%s)." % (model, type(exc).__name__)) from exc
            raise
        files = [(s.rfilename, s.size or 0) for s in info.siblings]
        total = sum(size for _, size in files) or 1
        done = 0
        progress("resolving", total=total, completed=0)
        path = None
        for name, size in files:
            context.check_cancelled()
            progress("downloading", file=name, completed=done, total=total)
            path = hub.hf_hub_download(model, name)
            done += size
            progress("downloaded", file=name, completed=done, total=total)
        progress("success", completed=total, total=total, percent=100.0)
        return {"path": os.path.dirname(path) if path else None}


def _guess_kind(model_id):
    lowered = model_id.lower()
    if any(k in lowered for k in ("minilm", "bge", "e5-", "embed", "sentence-transformers", "mpnet")):
        return "embeddings"
    if any(k in lowered for k in ("pixtral", "llava", "-vl", "vision", "qwen2-vl", "paligemma")):
        return "vision"
    return "chat"
