"""Passage meaning as one dense vector: static token vectors, averaged.

Word and character n-grams only know the words our examples happened to use; real sources say
the same thing in other words ("took on the lease" for an asset transfer, "people who use the
service" for service users). Static token embeddings give near vectors to near wording, at tens
of thousands of passages a second on one core, with no neural network at run time.

The vectors are WordLlama's ``l2_supercat`` 256-dimension token embeddings (distilled from a
large language model's; MIT licence), which ship inside the pinned ``wordllama`` wheel. We read
its two files ourselves rather than through its loader: the loader downloads any file it cannot
find and configures the root logger on import, and collabmap must never touch the network or
change the host's logging. A passage's vector is the mean of its tokens' vectors, scaled to
unit length.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, TransformerMixin  # type: ignore[import-untyped]

from collabmap.errors import BrokenInstallation

__all__ = ["PassageEmbedding", "TokenVectors", "token_vectors"]

_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_MAX_TOKENS = 4_096
"""Tokens read per passage: enough for the longest passage the models accept (8,000 chars)."""


@dataclass(frozen=True)
class TokenVectors:
    """A tokenizer and one vector per token id."""

    tokenizer: Any
    vectors: Any  # float32 array, vocabulary × dimensions
    digest: str

    @property
    def dimensions(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, texts: list[str]) -> Any:
        """Unit-length mean token vectors, one row per text (zeros for a text with no token)."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        rows, columns = [], []
        for row, encoding in enumerate(encodings):
            ids = encoding.ids[:_MAX_TOKENS]
            rows.extend([row] * len(ids))
            columns.extend(ids)
        vocabulary = self.vectors.shape[0]
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, np.clip(columns, 0, vocabulary - 1))),
            shape=(len(texts), vocabulary),
        )
        summed = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        return summed / np.maximum(norms, 1e-9)


def _package_folder() -> Path:
    # find_spec locates the package without importing it (importing it would set up logging)
    spec = find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise BrokenInstallation(
            "the text models need the 'wordllama' package for their word vectors; "
            "reinstall collabmap to restore it"
        )
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def token_vectors() -> TokenVectors:
    """The bundled token vectors, read once per process (about 0.3 s, 16 MB)."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    folder = _package_folder()
    weights, tokenizer_file = folder.joinpath(*_WEIGHTS), folder.joinpath(*_TOKENIZER)
    try:
        with safe_open(str(weights), framework="np") as handle:
            vectors = np.ascontiguousarray(handle.get_tensor("embedding.weight"), dtype=np.float32)
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as error:  # any failure here is a damaged installation, named as such
        raise BrokenInstallation(
            f"the word vectors bundled with 'wordllama' in {folder} cannot be read ({error}); "
            "reinstall collabmap to restore them"
        ) from error
    tokenizer.no_truncation()
    tokenizer.no_padding()
    digest = hashlib.sha256(weights.read_bytes() + tokenizer_file.read_bytes()).hexdigest()[:16]
    return TokenVectors(tokenizer, vectors, digest)


class PassageEmbedding(BaseEstimator, TransformerMixin):  # type: ignore[misc]
    """The passage vectors as a feature block (a scikit-learn transformer).

    Holds no vectors itself, so a pickled model stays small; they are read on first use.
    """

    def fit(self, texts: Any, labels: Any = None) -> PassageEmbedding:
        self.dimensions_ = token_vectors().dimensions
        return self

    def transform(self, texts: Any) -> Any:
        return sparse.csr_matrix(token_vectors().embed([str(t) for t in texts]))

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        return np.asarray([f"meaning:{i}" for i in range(self.dimensions_)], dtype=object)
