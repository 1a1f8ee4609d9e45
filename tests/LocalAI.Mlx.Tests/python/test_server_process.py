"""The server as a real child process: ready line, stdout purity, exit on shutdown and end of input."""
import json
import os
import subprocess
import sys
import unittest

import sidecar_paths
from sidecar_paths import SERVER_SCRIPT

ENGINE = ["--engine-path", sidecar_paths.ENGINES_DIR, "--engine", "deterministic_engine:DeterministicEngine"]


def start(*extra):
    return subprocess.Popen([sys.executable, SERVER_SCRIPT, *ENGINE, *extra], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


class ServerProcessTests(unittest.TestCase):
    def test_ping_and_shutdown(self):
        process = start()
        try:
            ready = json.loads(process.stdout.readline())
            self.assertEqual((ready["event"], ready["pid"]), ("ready", process.pid))
            process.stdin.write(b'{"command":"ping"}\n{"id":1,"command":"shutdown"}\n')
            process.stdin.flush()
            pong = json.loads(process.stdout.readline())
            self.assertEqual((pong["success"], pong["message"], pong["engine"]), (True, "pong", "deterministic"))
            self.assertEqual(json.loads(process.stdout.readline()), {"success": True, "id": 1, "message": "bye"})
            self.assertEqual(process.wait(20), 0)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            process.stdin.close()
            process.stdout.close()
            process.stderr.close()

    def test_every_hostile_line_gets_an_error_and_the_server_lives(self):
        hostile = [
            b"[" * 100000 + b"]" * 100000,
            b'{"a":' * 100000 + b"1" + b"}" * 100000,
            b'{"id":5,"command":[]}',
            b'{"id":6,"command":{}}',
            b'{"id":"\\ud800","command":"ping"}',
            b'{"id":"\\udc00x","command":"chat","messages":[{"role":"user","content":"hi"}]}',
            b'{"command":"cancel","target":[1]}',
            b'{"id":7,"command":"chat","messages":[{"role":"user","content":"\\ud800"}]}',
        ]
        process = start()
        try:
            self.assertEqual(json.loads(process.stdout.readline())["event"], "ready")
            for number, line in enumerate(hostile):
                process.stdin.write(line + b"\n" + b'{"id":"ping-%d","command":"ping"}\n' % number)
                process.stdin.flush()
                ping_id = "ping-%d" % number
                pongs, finals = [], []
                while not (pongs and finals):
                    raw = process.stdout.readline()
                    if not raw:
                        self.fail("the server died on line %d: %r" % (number, process.stderr.read()[-2000:]))
                    answer = json.loads(raw)
                    if "success" in answer:
                        (pongs if answer.get("id") == ping_id else finals).append(answer)
                self.assertEqual((pongs[0]["success"], pongs[0]["message"]), (True, "pong"))
                self.assertEqual(len(finals), 1, "line %d got %r" % (number, finals))
            self.assertIsNone(process.poll())
        finally:
            process.kill()
            process.wait(10)
            process.stdin.close()
            process.stdout.close()
            process.stderr.close()

    def test_shutdown_exits_zero_and_end_of_input_exits(self):
        for payload in (b'{"id":1,"command":"shutdown"}\n', b""):
            process = start()
            out, err = process.communicate(payload, timeout=20)
            self.assertEqual(process.returncode, 0, err)
            for line in out.splitlines():
                self.assertIsInstance(json.loads(line), dict)

    def test_prints_from_engines_go_to_stderr(self):
        process = subprocess.Popen([sys.executable, SERVER_SCRIPT, "--engine-path", sidecar_paths.ENGINES_DIR,
                                    "--engine", "noisy_engine:NoisyEngine"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = process.communicate(b'{"id":1,"command":"embed","text":"x"}\n', timeout=20)
        self.assertEqual(process.returncode, 0)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([m.get("event") or m.get("id") for m in lines], ["ready", 1])
        self.assertIn(b"noise from the engine", err)

    def test_bad_engine_exits_with_a_reason(self):
        process = subprocess.Popen([sys.executable, SERVER_SCRIPT, "--engine", "no_such_module:Engine"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = process.communicate(b"", timeout=20)
        self.assertEqual(process.returncode, 4)
        self.assertEqual(out, b"")
        self.assertIn(b"no_such_module", err)


if __name__ == "__main__":
    unittest.main()
