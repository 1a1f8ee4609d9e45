"""The JSON-lines protocol: framing, dispatch by command, request ids, cancellation, shutdown.

One UTF-8 JSON object per line each way. A request may carry an "id" (number or string); every line
answering it echoes that id, so several requests can be in flight at once. Intermediate lines carry
"event" ("token", "progress"); the final line of a request carries "success". An error is
{"id": ..., "success": false, "error": {"code": "...", "message": "..."}}. This module uses the
standard library only; engines do the inference.
"""
import json
import os
import platform
import re
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor

from . import PROTOCOL_VERSION, codec
from .errors import Cancelled, ProtocolError

DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024
_ID_PREFIX = re.compile(rb'^\s*\{\s*"id"\s*:\s*(-?\d{1,18}|"[^"\\]{0,200}")')
_ROLES = ("system", "user", "assistant", "tool")


def read_line(stream, max_bytes):
    """Reads one line of at most `max_bytes` (newline excluded).

    Returns (line, oversized): (None, False) at end of input; for a longer line the rest is read and
    dropped, and the first `max_bytes` bytes are returned with oversized True.
    """
    line = stream.readline(max_bytes + 1)
    if not line:
        return None, False
    if len(line) > max_bytes and not line.endswith(b"\n"):
        while True:
            rest = stream.readline(1 << 16)
            if not rest or rest.endswith(b"\n"):
                break
        return line[:max_bytes], True
    return line, False


def recover_id(prefix):
    """Best effort: the id of a request whose line could not be parsed, when it starts with "id"."""
    match = _ID_PREFIX.match(prefix)
    if not match:
        return None
    try:
        return json.loads(match.group(1))
    except ValueError:
        return None


class LineWriter:
    """Writes protocol lines to a binary stream; one lock keeps lines whole across threads."""

    def __init__(self, stream):
        self._stream = stream
        self._lock = threading.Lock()
        self.closed = False

    def send(self, message):
        try:
            data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"
        except UnicodeEncodeError:
            # A lone surrogate cannot be UTF-8; JSON's \u escapes carry it.
            data = json.dumps(message, separators=(",", ":"), ensure_ascii=True).encode("ascii") + b"\n"
        with self._lock:
            if self.closed:
                return
            try:
                self._stream.write(data)
                self._stream.flush()
            except (BrokenPipeError, ValueError, OSError):
                self.closed = True


class RequestContext:
    """What a handler (and an engine) sees of one request: its id, cancellation, and intermediate events."""

    def __init__(self, writer, request_id):
        self.id = request_id
        self._writer = writer
        self._cancel = threading.Event()

    @property
    def cancelled(self):
        return self._cancel.is_set()

    def cancel(self):
        self._cancel.set()

    def wait_cancelled(self, timeout):
        """Waits up to `timeout` seconds; returns True when the request was cancelled."""
        return self._cancel.wait(timeout)

    def check_cancelled(self):
        if self._cancel.is_set():
            raise Cancelled()

    def event(self, name, **fields):
        message = {"event": name}
        if self.id is not None:
            message["id"] = self.id
        message.update(fields)
        self._writer.send(message)


class StopMatcher:
    """Cuts streamed text at the first stop sequence, holding back text that may begin one."""

    def __init__(self, stops):
        self._stops = [s for s in stops if s]
        self._pending = ""
        self.stopped = False

    def feed(self, piece):
        """Returns the text that can be emitted now; sets `stopped` when a stop sequence appeared."""
        if not self._stops:
            return piece
        text = self._pending + piece
        cut = min((i for i in (text.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._pending = ""
            return text[:cut]
        hold = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(text)), 0, -1):
                if text.endswith(stop[:n]):
                    hold = max(hold, n)
                    break
        self._pending = text[len(text) - hold:] if hold else ""
        return text[:len(text) - hold] if hold else text

    def flush(self):
        text, self._pending = self._pending, ""
        return text


class Server:
    """Reads requests, runs them on worker threads, writes responses; see the module docstring."""

    def __init__(self, engine, writer, max_line_bytes=DEFAULT_MAX_LINE_BYTES, workers=8, log=None):
        self.engine = engine
        self.writer = writer
        self.max_line_bytes = max_line_bytes
        self._log = log or sys.stderr
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="request")
        self._inflight = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._inline = {"ping": self._ping, "cancel": self._cancel, "shutdown": self._shutdown}
        self._handlers = {
            "chat": self._chat,
            "embed": self._embed,
            "list_models": self._list_models,
            "load": self._load,
            "unload": self._unload,
            "download": self._download,
        }

    # ---- loop -------------------------------------------------------------------------------
    def serve(self, stream):
        """Serves until `shutdown` or end of input; returns the process exit code."""
        self.writer.send({"event": "ready", "version": PROTOCOL_VERSION, "pid": os.getpid(),
                          "engine": getattr(self.engine, "name", type(self.engine).__name__)})
        while not self._stopping.is_set():
            line, oversized = read_line(stream, self.max_line_bytes)
            if line is None:
                break
            if oversized:
                self._error(recover_id(line), "line_too_long",
                            "Request line is longer than %d bytes; send less per request (for embeddings, fewer texts per batch)."
                            % self.max_line_bytes)
                continue
            if line.strip():
                try:
                    self.handle_line(line)
                except Exception as exc:  # noqa: BLE001 - no line may end the server
                    traceback.print_exc(file=self._log)
                    self._error(None, "internal", "The line could not be handled: %s: %s" % (type(exc).__name__, exc))
        self.close()
        return 0

    def close(self):
        """Cancels what is in flight and waits for the workers to finish."""
        self._stopping.set()
        with self._lock:
            contexts = list(self._inflight.values())
        for context in contexts:
            context.cancel()
        self._executor.shutdown(wait=True)

    def handle_line(self, line):
        try:
            request = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            self._error(recover_id(line[:256]), "bad_json", "Request is not valid JSON: %s" % exc)
            return
        except RecursionError:
            self._error(recover_id(line[:256]), "bad_json", "Request is nested too deeply to parse.")
            return
        if not isinstance(request, dict):
            self._error(None, "bad_request", "Request must be a JSON object.")
            return
        request_id = request.get("id")
        if request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, (int, str))):
            self._error(None, "bad_request", "Request 'id' must be a number or a string.")
            return
        if isinstance(request_id, str) and not _is_unicode(request_id):
            self._error(None, "bad_request", "Request 'id' must be valid Unicode (it holds a lone surrogate).")
            return
        command = request.get("command")
        if not isinstance(command, str):
            self._error(request_id, "bad_request", "Request 'command' must be a string.")
            return
        inline = self._inline.get(command)
        if inline is not None:
            self._respond(request_id, inline(request))
            return
        handler = self._handlers.get(command)
        if handler is None:
            known = ", ".join(sorted(list(self._inline) + list(self._handlers)))
            self._error(request_id, "unknown_command", "Unknown command %r; known commands: %s." % (command, known))
            return
        context = RequestContext(self.writer, request_id)
        key = request_id if request_id is not None else object()
        with self._lock:
            if request_id is not None and request_id in self._inflight:
                duplicate = True
            else:
                duplicate = False
                self._inflight[key] = context
        if duplicate:
            self._error(request_id, "duplicate_id", "A request with id %r is already in flight." % (request_id,))
            return
        self._executor.submit(self._run, handler, request, context, key)

    def _run(self, handler, request, context, key):
        try:
            result = handler(request, context)
            self._respond(context.id, result)
        except Cancelled:
            self._error(context.id, "cancelled", "The request was cancelled.")
        except ProtocolError as exc:
            self._error(context.id, exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an error line, never a dead server
            traceback.print_exc(file=self._log)
            self._error(context.id, "internal", "%s: %s" % (type(exc).__name__, exc))
        finally:
            with self._lock:
                self._inflight.pop(key, None)

    def _respond(self, request_id, fields):
        message = {"success": True}
        if request_id is not None:
            message["id"] = request_id
        message.update(fields)
        self.writer.send(message)

    def _error(self, request_id, code, text):
        message = {"success": False, "error": {"code": code, "message": text}}
        if request_id is not None:
            message["id"] = request_id
        self.writer.send(message)

    # ---- inline commands ----------------------------------------------------------------------
    def _ping(self, request):
        describe = getattr(self.engine, "describe", None)
        info = describe() if describe else {}
        return {"message": "pong", "version": PROTOCOL_VERSION, "pid": os.getpid(),
                "python": platform.python_version(), "platform": sys.platform, "machine": platform.machine(),
                "engine": getattr(self.engine, "name", type(self.engine).__name__),
                "capabilities": list(info.get("capabilities", [])), "missing": list(info.get("missing", []))}

    def _cancel(self, request):
        target = request.get("target")
        with self._lock:
            context = self._inflight.get(target) if isinstance(target, (int, str)) and not isinstance(target, bool) else None
        if context is not None:
            context.cancel()
        return {"cancelled": context is not None}

    def _shutdown(self, request):
        self._stopping.set()
        return {"message": "bye"}

    # ---- commands run on workers ------------------------------------------------------------
    def _chat(self, request, context):
        messages = request.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ProtocolError("bad_request", "'messages' must be a non-empty list.")
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in _ROLES or not isinstance(message.get("content", ""), str):
                raise ProtocolError("bad_request", "Each message needs a 'role' (%s) and a string 'content'." % ", ".join(_ROLES))
            images = message.get("images", [])
            if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
                raise ProtocolError("bad_request", "'images' must be a list of base64 strings.")
        params = {}
        for name, kinds in (("temperature", (int, float)), ("top_p", (int, float)), ("max_tokens", (int,)), ("seed", (int,))):
            value = request.get(name)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, kinds):
                    raise ProtocolError("bad_request", "'%s' must be a number." % name)
                params[name] = value
        stops = request.get("stop") or []
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            raise ProtocolError("bad_request", "'stop' must be a list of strings.")
        stream = request.get("stream", True) is not False
        matcher = StopMatcher(stops)
        parts = []

        def emit(text):
            if text:
                if stream:
                    context.event("token", text=text)
                else:
                    parts.append(text)

        generation = iter(self.engine.chat(request.get("model"), messages, params, context))
        final = {}
        try:
            while True:
                context.check_cancelled()
                try:
                    piece = next(generation)
                except StopIteration as stop:
                    final = stop.value or {}
                    break
                emit(matcher.feed(piece))
                if matcher.stopped:
                    final = {"finish_reason": "stop"}
                    break
        finally:
            close = getattr(generation, "close", None)
            if close is not None:
                close()
        emit(matcher.flush())
        context.check_cancelled()
        result = {"done": True, "model": final.get("model", request.get("model")),
                  "finish_reason": final.get("finish_reason", "stop"),
                  "usage": {"prompt_tokens": final.get("prompt_tokens", 0),
                            "completion_tokens": final.get("completion_tokens", 0)}}
        if not stream:
            result["text"] = "".join(parts)
        return result

    def _embed(self, request, context):
        single = "texts" not in request
        texts = [request.get("text")] if single else request.get("texts")
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise ProtocolError("bad_request", "Send 'text' (a string) or 'texts' (a non-empty list of strings).")
        encoding = request.get("encoding", "float")
        if encoding not in ("float", "base64"):
            raise ProtocolError("bad_request", "'encoding' must be 'float' or 'base64'.")
        result = self.engine.embed(request.get("model"), texts, context)
        vectors = result["vectors"]
        count, dims = codec.shape(vectors)
        if count != len(texts):
            raise ProtocolError("internal", "The engine returned %d vectors for %d texts." % (count, len(texts)))
        response = {"model": result.get("model", request.get("model")), "dimensions": dims, "count": count,
                    "usage": {"prompt_tokens": result.get("prompt_tokens", 0)}}
        if encoding == "base64":
            response["encoding"] = "base64"
            response["data"] = codec.to_base64(vectors)
        else:
            lists = codec.to_float_lists(vectors)
            response["embeddings"] = lists[0] if single else lists
        return response

    def _list_models(self, request, context):
        return {"models": list(self.engine.list_models())}

    def _load(self, request, context):
        model = _require_model(request)
        kind = request.get("kind", "chat")
        if kind not in ("chat", "embeddings", "vision"):
            raise ProtocolError("bad_request", "'kind' must be 'chat', 'embeddings' or 'vision'.")
        self.engine.load(model, kind, context)
        return {"model": model, "loaded": True}

    def _unload(self, request, context):
        model = _require_model(request)
        return {"model": model, "unloaded": bool(self.engine.unload(model))}

    def _download(self, request, context):
        model = _require_model(request)
        state = {"percent": 0.0}

        def progress(status, file=None, completed=None, total=None, percent=None):
            if percent is None and completed is not None and total:
                percent = 100.0 * completed / total
            state["percent"] = max(state["percent"], min(100.0, percent or 0.0))
            fields = {"status": status, "percent": round(state["percent"], 2)}
            if file is not None:
                fields["file"] = file
            if completed is not None:
                fields["completed"] = completed
            if total is not None:
                fields["total"] = total
            context.event("progress", **fields)

        info = self.engine.download(model, progress, context) or {}
        context.check_cancelled()
        return dict({"model": model, "done": True}, **info)


def _is_unicode(text):
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _require_model(request):
    model = request.get("model")
    if not isinstance(model, str) or not model:
        raise ProtocolError("bad_request", "'model' must be a non-empty string.")
    return model
