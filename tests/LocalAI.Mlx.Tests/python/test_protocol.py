import io
import json
import unittest

import sidecar_paths  # noqa: F401
from deterministic_engine import DeterministicEngine
from harness import ServerHarness
from localai_mlx import codec
from localai_mlx.protocol import StopMatcher, read_line, recover_id


class ReadLineTests(unittest.TestCase):
    def test_reads_lines_and_end_of_input(self):
        stream = io.BytesIO(b'{"a":1}\n{"b":2}\n')
        self.assertEqual(read_line(stream, 100), (b'{"a":1}\n', False))
        self.assertEqual(read_line(stream, 100), (b'{"b":2}\n', False))
        self.assertEqual(read_line(stream, 100), (None, False))

    def test_oversized_line_is_dropped_up_to_its_newline(self):
        stream = io.BytesIO(b'{"id":7,"x":"' + b"a" * 200000 + b'"}\n{"ok":1}\n')
        line, oversized = read_line(stream, 64)
        self.assertTrue(oversized)
        self.assertEqual(len(line), 64)
        self.assertEqual(read_line(stream, 64), (b'{"ok":1}\n', False))

    def test_line_of_exactly_the_limit_is_accepted(self):
        self.assertEqual(read_line(io.BytesIO(b"x" * 10 + b"\n"), 10), (b"x" * 10 + b"\n", False))

    def test_recover_id(self):
        self.assertEqual(recover_id(b'{"id":42,"command":'), 42)
        self.assertEqual(recover_id(b' { "id" : "abc", '), "abc")
        self.assertIsNone(recover_id(b'{"command":"x","id":1}'))


class StopMatcherTests(unittest.TestCase):
    def test_cuts_at_a_stop_split_over_pieces(self):
        matcher = StopMatcher(["END"])
        out = [matcher.feed(p) for p in ("hello E", "N", "D tail")]
        self.assertEqual("".join(out), "hello ")
        self.assertTrue(matcher.stopped)

    def test_releases_held_text_that_was_not_a_stop(self):
        matcher = StopMatcher(["END"])
        self.assertEqual(matcher.feed("abc E"), "abc ")
        self.assertEqual(matcher.feed("x"), "Ex")
        self.assertEqual(matcher.flush(), "")
        self.assertFalse(matcher.stopped)

    def test_no_stops_passes_through(self):
        self.assertEqual(StopMatcher([]).feed("E"), "E")


class ServerTests(unittest.TestCase):
    def setUp(self):
        self.h = ServerHarness(DeterministicEngine({"token_delay": "0.002"}), max_line_bytes=4096)
        self.addCleanup(self.h.close)
        self.ready = self.h.output.wait_for(lambda m: m.get("event") == "ready")

    def test_ready_line_comes_first(self):
        self.assertEqual(self.h.output.lines[0]["event"], "ready")
        self.assertEqual(self.ready["engine"], "deterministic")

    def test_ping_without_id_keeps_the_original_shape(self):
        self.h.send({"command": "ping"})
        pong = self.h.output.wait_for(lambda m: m.get("message") == "pong")
        self.assertTrue(pong["success"])
        self.assertNotIn("id", pong)
        self.assertIn("chat", pong["capabilities"])

    def test_malformed_json_gets_an_error_and_the_server_lives(self):
        self.h.send_raw(b'{"id": 5, "command": \n')
        error = self.h.output.final(5)
        self.assertEqual(error["error"]["code"], "bad_json")
        self.assertTrue(self.h.request({"id": 6, "command": "ping"})["success"])

    def test_non_object_and_bad_id_are_rejected(self):
        self.h.send_raw(b"[1,2]\n")
        self.h.send_raw(b'{"id": [1], "command": "ping"}\n')
        errors = [self.h.output.wait_for(lambda m, c=c: m.get("error", {}).get("code") == c) for c in ("bad_request",)]
        self.assertTrue(errors)
        self.assertTrue(self.h.request({"id": 1, "command": "ping"})["success"])

    def test_unknown_command(self):
        error = self.h.request({"id": 2, "command": "fly"})
        self.assertEqual(error["error"]["code"], "unknown_command")
        self.assertIn("embed", error["error"]["message"])

    def test_oversized_line_answers_the_recovered_id(self):
        self.h.send_raw(b'{"id":9,"command":"embed","text":"' + b"x" * 10000 + b'"}\n')
        self.assertEqual(self.h.output.final(9)["error"]["code"], "line_too_long")
        self.assertTrue(self.h.request({"id": 10, "command": "ping"})["success"])

    def test_chat_streams_tokens_then_a_final_line_with_usage(self):
        final = self.h.request({"id": 3, "command": "chat", "model": "echo",
                                "messages": [{"role": "user", "content": "one two three"}]})
        tokens = [m["text"] for m in self.h.output.lines if m.get("id") == 3 and m.get("event") == "token"]
        self.assertEqual("".join(tokens), "echo: one two three")
        self.assertEqual(final["usage"], {"prompt_tokens": 3, "completion_tokens": 4})
        self.assertEqual(final["finish_reason"], "stop")
        self.assertIs(self.h.output.lines[-1], final)

    def test_chat_without_stream_returns_text(self):
        final = self.h.request({"id": 4, "command": "chat", "model": "echo", "stream": False,
                                "messages": [{"role": "user", "content": "a b"}]})
        self.assertEqual(final["text"], "echo: a b")
        self.assertFalse([m for m in self.h.output.lines if m.get("id") == 4 and "event" in m])

    def test_chat_stop_sequence_and_max_tokens(self):
        stopped = self.h.request({"id": 11, "command": "chat", "model": "echo", "stream": False, "stop": ["c d"],
                                  "messages": [{"role": "user", "content": "a b c d"}]})
        self.assertEqual(stopped["text"], "echo: a b ")
        limited = self.h.request({"id": 12, "command": "chat", "model": "count", "stream": False, "max_tokens": 3,
                                  "messages": [{"role": "user", "content": "go"}]})
        self.assertEqual(limited["text"], "1 2 3 ")
        self.assertEqual(limited["finish_reason"], "length")

    def test_chat_rejects_bad_messages(self):
        error = self.h.request({"id": 13, "command": "chat", "messages": [{"role": "robot", "content": "x"}]})
        self.assertEqual(error["error"]["code"], "bad_request")
        error = self.h.request({"id": 14, "command": "chat", "model": "nope", "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(error["error"]["code"], "model_not_found")

    def test_cancel_stops_a_generation_between_tokens(self):
        self.h.send({"id": 20, "command": "chat", "model": "count", "messages": [{"role": "user", "content": "go"}]})
        self.h.output.wait_for(lambda m: m.get("id") == 20 and m.get("event") == "token")
        cancel = self.h.request({"id": 21, "command": "cancel", "target": 20})
        self.assertTrue(cancel["cancelled"])
        final = self.h.output.final(20)
        self.assertEqual(final["error"]["code"], "cancelled")
        after = self.h.output.lines[self.h.output.lines.index(final) + 1:]
        self.assertFalse([m for m in after if m.get("id") == 20])
        self.assertFalse(self.h.request({"id": 22, "command": "cancel", "target": 20})["cancelled"])

    def test_requests_overlap_and_duplicate_ids_are_refused(self):
        self.h.send({"id": 30, "command": "chat", "model": "hang", "messages": [{"role": "user", "content": "x"}]})
        self.h.output.wait_for(lambda m: m.get("id") == 30 and m.get("event") == "token")
        duplicate = self.h.request({"id": 30, "command": "chat", "model": "echo", "messages": [{"role": "user", "content": "x"}]})
        self.assertEqual(duplicate["error"]["code"], "duplicate_id")
        self.assertTrue(self.h.request({"id": 31, "command": "embed", "text": "while hanging"})["success"])
        self.h.request({"id": 32, "command": "cancel", "target": 30})
        self.h.output.wait_for(lambda m: m.get("id") == 30 and m.get("error", {}).get("code") == "cancelled")

    def test_embed_float_and_base64_carry_the_same_vectors(self):
        texts = ["alpha", "beta", "gamma"]
        floats = self.h.request({"id": 40, "command": "embed", "texts": texts, "model": "m-16"})
        packed = self.h.request({"id": 41, "command": "embed", "texts": texts, "model": "m-16", "encoding": "base64"})
        self.assertEqual((floats["count"], floats["dimensions"]), (3, 16))
        self.assertEqual(codec.from_base64(packed["data"], 16), floats["embeddings"])
        for vector in floats["embeddings"]:
            self.assertAlmostEqual(sum(v * v for v in vector), 1.0, places=5)
        self.assertNotEqual(floats["embeddings"][0], floats["embeddings"][1])

    def test_embed_single_text_returns_a_flat_vector(self):
        single = self.h.request({"id": 42, "command": "embed", "text": "hello", "model": "m-8"})
        self.assertEqual(len(single["embeddings"]), 8)
        self.assertIsInstance(single["embeddings"][0], float)

    def test_embed_validates(self):
        for request_id, body in ((43, {"texts": []}), (44, {"texts": ["a", 1]}), (45, {"text": "a", "encoding": "hex"})):
            error = self.h.request(dict({"id": request_id, "command": "embed"}, **body))
            self.assertEqual(error["error"]["code"], "bad_request", body)

    def test_download_reports_forward_progress(self):
        final = self.h.request({"id": 50, "command": "download", "model": "tiny-model"})
        self.assertTrue(final["done"])
        percents = [m["percent"] for m in self.h.output.lines if m.get("id") == 50 and m.get("event") == "progress"]
        self.assertEqual(percents, sorted(percents))
        self.assertEqual(percents[-1], 100.0)
        missing = self.h.request({"id": 51, "command": "download", "model": "nope"})
        self.assertEqual(missing["error"]["code"], "model_not_found")

    def test_models_load_unload(self):
        self.h.request({"id": 60, "command": "load", "model": "echo", "kind": "chat"})
        models = self.h.request({"id": 61, "command": "list_models"})["models"]
        self.assertTrue(next(m for m in models if m["id"] == "echo")["loaded"])
        self.assertTrue(self.h.request({"id": 62, "command": "unload", "model": "echo"})["unloaded"])
        self.assertFalse(self.h.request({"id": 63, "command": "unload", "model": "echo"})["unloaded"])

    def test_an_engine_crash_is_an_internal_error_not_a_dead_server(self):
        def broken(*args):
            raise ZeroDivisionError("boom")
        self.h.server.engine.embed = broken
        with open("/dev/null", "w") as sink:
            self.h.server._log = sink
            error = self.h.request({"id": 70, "command": "embed", "text": "x"})
        self.assertEqual(error["error"]["code"], "internal")
        self.assertIn("boom", error["error"]["message"])
        self.assertTrue(self.h.request({"id": 71, "command": "ping"})["success"])

    def test_shutdown_cancels_in_flight_work_and_ends_the_loop(self):
        self.h.send({"id": 80, "command": "chat", "model": "hang", "messages": [{"role": "user", "content": "x"}]})
        self.h.output.wait_for(lambda m: m.get("id") == 80 and m.get("event") == "token")
        bye = self.h.request({"id": 81, "command": "shutdown"})
        self.assertEqual(bye["message"], "bye")
        self.assertEqual(self.h.output.final(80)["error"]["code"], "cancelled")
        self.assertTrue(self.h.close())
        self.assertEqual(self.h.exit_code, 0)

    def test_end_of_input_ends_the_loop(self):
        self.assertTrue(self.h.close())
        self.assertEqual(self.h.exit_code, 0)


class JsonShapeTests(unittest.TestCase):
    def test_lines_are_compact_utf8(self):
        h = ServerHarness(DeterministicEngine())
        self.addCleanup(h.close)
        final = h.request({"id": 1, "command": "chat", "model": "echo", "stream": False,
                           "messages": [{"role": "user", "content": "héllo ✓"}]})
        self.assertEqual(final["text"], "echo: héllo ✓")
        json.dumps(final)


if __name__ == "__main__":
    unittest.main()
