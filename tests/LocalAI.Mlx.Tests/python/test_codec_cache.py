import array
import base64
import struct
import unittest

import sidecar_paths  # noqa: F401
from localai_mlx import codec
from localai_mlx.cache import ModelCache


class CodecTests(unittest.TestCase):
    def test_base64_is_little_endian_float32_row_after_row(self):
        data = codec.to_base64([[1.0, -2.5], array.array("f", [0.5, 3.0])])
        self.assertEqual(base64.b64decode(data), struct.pack("<4f", 1.0, -2.5, 0.5, 3.0))

    def test_round_trip_and_shape(self):
        rows = [[0.25, 0.5, 0.75], [1.0, 2.0, 3.0]]
        self.assertEqual(codec.from_base64(codec.to_base64(rows), 3), rows)
        self.assertEqual(codec.shape(rows), (2, 3))
        with self.assertRaises(ValueError):
            codec.shape([[1.0], [1.0, 2.0]])
        with self.assertRaises(ValueError):
            codec.from_base64(codec.to_base64(rows), 4)

    def test_float_lists_from_arrays(self):
        self.assertEqual(codec.to_float_lists([array.array("f", [1.5])]), [[1.5]])

    def test_l2_normalize(self):
        self.assertEqual(list(codec.l2_normalize([3.0, 4.0])), [0.6000000238418579, 0.800000011920929])
        self.assertEqual(list(codec.l2_normalize([0.0, 0.0])), [0.0, 0.0])


class ModelCacheTests(unittest.TestCase):
    def test_least_recently_used_is_unloaded_past_the_bound(self):
        unloaded = []
        cache = ModelCache(2, on_unload=lambda key, value: unloaded.append(key))
        loads = []
        for key in ("a", "b", "a", "c"):
            cache.get(key, lambda k=key: loads.append(k) or k.upper())
        self.assertEqual(loads, ["a", "b", "c"])
        self.assertEqual(unloaded, ["b"])
        self.assertEqual(cache.keys(), ["a", "c"])

    def test_unload(self):
        cache = ModelCache(1)
        cache.get("a", lambda: 1)
        self.assertTrue(cache.unload("a"))
        self.assertFalse(cache.unload("a"))
        self.assertNotIn("a", cache)

    def test_bound_must_be_positive(self):
        with self.assertRaises(ValueError):
            ModelCache(0)


if __name__ == "__main__":
    unittest.main()
