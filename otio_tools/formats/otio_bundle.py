"""OTIO bundles: ``.otioz`` (zip) and ``.otiod`` (folder), OTIO JSON with its media beside it.

The stock ``otioz``/``otiod`` adapters write the timeline as ``content.otio``
and copy every media file that exists into the bundle's ``media/`` folder,
rewriting its reference to point there; media that is not a local file
becomes a ``MissingReference`` that keeps the original URL in its metadata
(``original_target_url``).
"""

from __future__ import annotations

import copy
import os
import urllib.parse

import opentimelineio as otio

from otio_tools.compare import nodes

__all__ = ["carried_facts", "write_to_file"]


def write_to_file(document, path: str, adapter_name: str) -> None:
    """Write *document* as a bundle at *path* with the stock ``otioz``/``otiod`` writer.

    Media that exists as a local file is copied into the bundle. Media that
    does not becomes a ``MissingReference`` that keeps the original URL, its
    metadata and its available range: the stock writer drops the range, and a
    clip with no source range then has no duration at all.
    """
    prepared = copy.deepcopy(document)
    for clip in prepared.find_clips():
        ref = clip.media_reference
        if isinstance(ref, otio.schema.ExternalReference) and not _is_local_file(ref.target_url):
            metadata = copy.deepcopy(ref.metadata)
            metadata["missing_reference_because"] = "not a local file when the bundle was written"
            metadata["original_target_url"] = ref.target_url
            clip.media_reference = otio.schema.MissingReference(
                name=ref.name, available_range=ref.available_range, metadata=metadata
            )
    otio.adapters.write_to_file(prepared, path, adapter_name=adapter_name, media_policy="MissingIfNotFile")


def _is_local_file(url: str) -> bool:
    if urllib.parse.urlparse(url).scheme not in ("file", ""):
        return False
    return os.path.isfile(otio.url_utils.filepath_from_url(url))


def carried_facts(facts: dict) -> dict:
    """What an ``.otioz``/``.otiod`` round trip keeps: everything but where the media is.

    ============================  =================================================
    not carried                   why
    ============================  =================================================
    clip ``media_url``            rewritten to ``media/NAME`` inside the bundle, or
                                  kept only as ``original_target_url`` metadata of
                                  a ``MissingReference`` when it is not a local file
    clip ``media_type``           ``ExternalReference`` becomes ``MissingReference``
                                  for media that is not a local file
    ============================  =================================================
    """
    out = copy.deepcopy(facts)
    for node in nodes(out):
        if node["type"] == "Clip":
            node.pop("media_url", None)
            node.pop("media_type", None)
    return out
