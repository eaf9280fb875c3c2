"""IDX files (MNIST's format, gz or not) as NumPy arrays, for the peer scripts."""
import gzip
import os

import numpy as np


def read_idx(path):
    """The array in one IDX file: a magic number whose 4th byte is the rank, the sizes, the bytes."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder, name):
    """`name` (e.g. train-images-idx3-ubyte) from `folder`, compressed or not."""
    for candidate in (name, name + ".gz"):
        if os.path.exists(os.path.join(folder, candidate)):
            return read_idx(os.path.join(folder, candidate))
    raise SystemExit(f"{folder} has no {name}[.gz]")
