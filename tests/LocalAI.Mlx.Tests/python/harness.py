"""Runs a protocol Server on a thread over a pipe and collects what it writes."""
import json
import os
import threading

import sidecar_paths  # noqa: F401
from localai_mlx.protocol import Server


class CollectingStream:
    """A binary stream the server writes to; the test waits on the parsed lines."""

    def __init__(self):
        self.lines = []
        self._buffer = b""
        self._condition = threading.Condition()

    def write(self, data):
        with self._condition:
            self._buffer += data
            while b"\n" in self._buffer:
                line, self._buffer = self._buffer.split(b"\n", 1)
                self.lines.append(json.loads(line))
            self._condition.notify_all()

    def flush(self):
        pass

    def wait_for(self, predicate, timeout=10):
        with self._condition:
            found = self._condition.wait_for(lambda: next((m for m in self.lines if predicate(m)), None), timeout)
            if not found:
                raise AssertionError("no matching line within %ss; got %r" % (timeout, self.lines))
            return found

    def final(self, request_id, timeout=10):
        return self.wait_for(lambda m: m.get("id") == request_id and "success" in m, timeout)


class ServerHarness:
    def __init__(self, engine, **kwargs):
        from localai_mlx.protocol import LineWriter
        self.output = CollectingStream()
        read_fd, self._write_fd = os.pipe()
        self._input = os.fdopen(read_fd, "rb")
        self.server = Server(engine, LineWriter(self.output), **kwargs)
        self.exit_code = None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        self.exit_code = self.server.serve(self._input)

    def send_raw(self, data):
        os.write(self._write_fd, data)

    def send(self, message):
        self.send_raw(json.dumps(message).encode("utf-8") + b"\n")

    def request(self, message, timeout=10):
        self.send(message)
        return self.output.final(message["id"], timeout)

    def close(self):
        try:
            os.close(self._write_fd)
        except OSError:
            pass
        self._thread.join(10)
        self._input.close()
        return not self._thread.is_alive()
