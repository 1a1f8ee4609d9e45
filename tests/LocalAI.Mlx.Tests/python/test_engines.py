import os
import sys
import tempfile
import unittest

import sidecar_paths  # noqa: F401
from localai_mlx.engines import AutoEngine, importable
from localai_mlx.errors import ModuleMissing
from localai_mlx.protocol import RequestContext

HAS_ST = importable("sentence_transformers")
APPLE = sys.platform == "darwin" and os.uname().machine == "arm64"


class _Sink:
    def send(self, message):
        pass


class AutoEngineTests(unittest.TestCase):
    def test_describe_names_pip_commands_for_what_is_missing(self):
        info = AutoEngine({}).describe()
        for entry in info["missing"]:
            self.assertIn("-m pip install", entry["pip"])
            self.assertIn(sys.executable, entry["pip"])
        if not APPLE:
            self.assertNotIn("chat", info["capabilities"])
            self.assertIn("mlx-lm", next(m["pip"] for m in info["missing"] if m["capability"] == "chat"))

    @unittest.skipIf(HAS_ST, "sentence_transformers is importable here, so no module is missing for embeddings")
    def test_embed_without_an_engine_module_names_the_pip_command(self):
        with self.assertRaises(ModuleMissing) as raised:
            AutoEngine({}).embed(None, ["x"], RequestContext(_Sink(), 1))
        self.assertEqual(raised.exception.code, "module_missing")
        self.assertIn("pip install sentence-transformers", raised.exception.message)

    @unittest.skipIf(APPLE, "mlx_lm may be installed on Apple Silicon")
    def test_chat_without_mlx_lm_names_the_pip_command(self):
        if importable("mlx_lm"):
            self.skipTest("mlx_lm is importable")
        with self.assertRaises(ModuleMissing) as raised:
            list(AutoEngine({}).chat("m", [{"role": "user", "content": "hi"}], {}, RequestContext(_Sink(), 1)))
        self.assertIn("pip install mlx-lm", raised.exception.message)


@unittest.skipUnless(HAS_ST, "sentence_transformers is not importable in %s; the real embeddings engine test "
                              "runs only where it is (pip install sentence-transformers)" % sys.executable)
class SentenceTransformersEngineTests(unittest.TestCase):
    """Runs the real sentence_transformers path on a tiny random BERT saved with save_pretrained."""

    @classmethod
    def setUpClass(cls):
        import transformers
        from sentence_transformers import SentenceTransformer, models
        cls.folder = tempfile.TemporaryDirectory()
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + ["hello", "world", "local", "ai", "mlx", "tiny"]
        bert_dir = os.path.join(cls.folder.name, "bert")
        os.makedirs(bert_dir)
        with open(os.path.join(bert_dir, "vocab.txt"), "w") as handle:
            handle.write("\n".join(vocab))
        config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        transformers.BertModel(config).save_pretrained(bert_dir)
        transformers.BertTokenizer(os.path.join(bert_dir, "vocab.txt")).save_pretrained(bert_dir)
        word = models.Transformer(bert_dir, max_seq_length=32)
        pooling = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        cls.model_dir = os.path.join(cls.folder.name, "st")
        SentenceTransformer(modules=[word, pooling, models.Normalize()]).save(cls.model_dir)

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def test_embeds_a_batch_normalised(self):
        engine = AutoEngine({"embeddings_engine": "sentence_transformers", "device": "cpu"})
        result = engine.embed(self.model_dir, ["hello world", "local ai", "hello world"], RequestContext(_Sink(), 1))
        vectors = result["vectors"]
        self.assertEqual(vectors.shape, (3, 32))
        for row in vectors:
            self.assertAlmostEqual(float((row * row).sum()), 1.0, places=4)
        self.assertEqual(vectors[0].tolist(), vectors[2].tolist())
        self.assertNotEqual(vectors[0].tolist(), vectors[1].tolist())
        self.assertGreater(result["prompt_tokens"], 0)
        self.assertTrue(engine.unload(self.model_dir))


if __name__ == "__main__":
    unittest.main()
