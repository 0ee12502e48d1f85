"""The built similarity index, kept in a file for the next process (SIMILARITY_INDEX_FILE).

Building the index reads and folds every published idea; loading its arrays takes a fraction
of that. So the process that builds it writes them to a file (numpy's `.npz`: plain arrays, no
pickled objects), tagged with the format, the change marker it covers and the database it was
built from; a worker starting later loads the file and applies only the ideas marked since.

The file is a cache: deleting it only means the next process builds again. One that does not
fit (another format or release, a marker ahead of the database's, another database, damaged) is ignored
with a line in the log. It is written to a temporary file beside it and moved into place, so a
reader never meets half of one. Workers starting together take turns (a lock on a file beside
it): the first builds and writes, the others then load what it wrote.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from myalmaty.ideas.similarity import index as index_module
from myalmaty.ideas.similarity import normalise
from myalmaty.ideas.similarity.index import Index, _text_array, _text_list
from myalmaty.ideas.similarity.normalise import LEXICON_PATH

log = logging.getLogger(__name__)

# Raise it whenever what `Index.arrays` holds, or what the index keeps per idea, changes.
FORMAT = 1
# After loading, this many ideas marked since the file was written: write it again.
SAVE_AFTER = 2000
_META = "meta"
_SOURCE = "source"
_MAKING = "making"


@functools.cache
def making() -> str:
    """What the index is made with: the lexicon and the code that folds words and weighs them.
    A file made by another release (a term added to the lexicon, a spelling rule changed) is
    not used, even when FORMAT was not raised."""
    digest = hashlib.sha256()
    for part in (LEXICON_PATH, Path(index_module.__file__), Path(normalise.__file__)):
        digest.update(part.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def turn_to_build(path: Path | None) -> Iterator[None]:
    """Hold the lock beside `path` (waiting for another process that holds it)."""
    if path is None:
        yield
        return
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_name(path.name + ".lock"), "a+b")
    except (ImportError, OSError):  # not POSIX, or a folder we cannot write: no turns
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def save(index: Index, path: Path | None, version: int, source: str) -> None:
    """Write `index`, covering the marks up to `version` of the database `source`."""
    if path is None:
        return
    started = time.perf_counter()
    arrays = index.arrays()
    arrays[_META] = np.array([FORMAT, version], dtype=np.int64)
    arrays[_SOURCE] = _text_array([source])
    arrays[_MAKING] = _text_array([making()])
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name + ".",
                                         suffix=".tmp", delete=False) as out:
            temporary = out.name
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
        temporary = None
    except OSError:
        log.warning("Could not keep the similarity index in %s", path, exc_info=True)
        return
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    log.info("Similarity index of %d ideas kept in %s in %.1f s", len(index), path,
             time.perf_counter() - started)


def load(path: Path | None, version: int, source: str) -> tuple[Index, int] | None:
    """The index kept in `path` and the marker it covers, when it fits the database `source`
    at marker `version`; None (logged) when there is none or it does not fit."""
    if path is None or not path.exists():
        return None
    started = time.perf_counter()
    try:
        with open(path, "rb") as data, np.load(data, allow_pickle=False) as kept:
            arrays = {name: kept[name] for name in kept.files}
        meta = arrays.pop(_META)
        kept_source = _text_list(arrays.pop(_SOURCE))
        made_with = _text_list(arrays.pop(_MAKING))
        if len(meta) != 2 or int(meta[0]) != FORMAT:
            reason = "of another format"
        elif made_with != [making()]:
            reason = "made by another release"
        elif kept_source != [source]:
            reason = "of another database"
        elif int(meta[1]) > version:
            reason = "ahead of the database (restored since?)"
        else:
            index = Index.from_arrays(arrays)
            log.info("Similarity index of %d ideas loaded from %s in %.1f s", len(index), path,
                     time.perf_counter() - started)
            return index, int(meta[1])
    except Exception:  # damaged, cut short, not ours: build instead
        log.warning("The kept similarity index %s cannot be read: building it", path,
                    exc_info=True)
        return None
    log.warning("The kept similarity index %s is %s: building it", path, reason)
    return None
