"""Encodings of embedding vectors: JSON float lists, or base64 little-endian float32 in one block."""
import array
import base64
import math
import sys


def _rows(vectors):
    """Yields each vector of `vectors` (a list of sequences, or a 2-D array with `tolist`)."""
    return vectors.tolist() if hasattr(vectors, "tolist") and not isinstance(vectors, list) else vectors


def shape(vectors):
    """Returns (count, dimensions) of `vectors`; raises ValueError when rows differ in length."""
    if hasattr(vectors, "shape") and not isinstance(vectors, list):
        count, dims = vectors.shape
        return int(count), int(dims)
    count = len(vectors)
    dims = len(vectors[0]) if count else 0
    for row in vectors:
        if len(row) != dims:
            raise ValueError("embedding rows differ in length: %d and %d" % (dims, len(row)))
    return count, dims


def to_float_lists(vectors):
    """Converts vectors to lists of Python floats for JSON."""
    return [list(row.tolist()) if hasattr(row, "tolist") else list(row) for row in _rows(vectors)]


def to_base64(vectors):
    """Packs all vectors row after row as little-endian float32 and returns one base64 string."""
    if hasattr(vectors, "astype") and not isinstance(vectors, list):  # numpy (or alike)
        return base64.b64encode(vectors.astype("<f4").tobytes()).decode("ascii")
    parts = []
    for row in vectors:
        block = row if isinstance(row, array.array) and row.typecode == "f" else array.array("f", row)
        if sys.byteorder != "little":
            block = array.array("f", block)
            block.byteswap()
        parts.append(block.tobytes())
    return base64.b64encode(b"".join(parts)).decode("ascii")


def from_base64(data, dimensions):
    """Unpacks a base64 block into lists of floats (the inverse of to_base64)."""
    block = array.array("f")
    block.frombytes(base64.b64decode(data))
    if sys.byteorder != "little":
        block.byteswap()
    if dimensions <= 0 or len(block) % dimensions:
        raise ValueError("%d floats do not split into rows of %d" % (len(block), dimensions))
    return [block[i:i + dimensions].tolist() for i in range(0, len(block), dimensions)]


def l2_normalize(values):
    """Returns `values` scaled to unit length (unchanged when all zero), as array('f')."""
    norm = math.sqrt(sum(v * v for v in values))
    return array.array("f", values if norm == 0 else (v / norm for v in values))
