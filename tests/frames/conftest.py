"""Generated media for the frame access tests, written once per test session."""

from __future__ import annotations

import av
import pytest

from tests.frames.numbered import ENCODINGS, write_numbered

FRAMES = 150


@pytest.fixture(scope="session")
def numbered_media(tmp_path_factory):
    """A function: encoding id -> (path, Encoding) of a 150-frame numbered file; skips where the encoder is absent."""
    folder = tmp_path_factory.mktemp("numbered")
    made = {}

    def get(encoding_id: str):
        encoding = next(e for e in ENCODINGS if e.id == encoding_id)
        if encoding_id not in made:
            try:
                av.codec.Codec(encoding.codec, "w")
            except av.error.FFmpegError:
                pytest.skip(f"this PyAV build has no {encoding.codec} encoder")
            made[encoding_id] = write_numbered(folder / f"{encoding.id}{encoding.suffix}", encoding, FRAMES)
        return made[encoding_id], encoding

    return get
