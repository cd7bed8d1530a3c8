"""Harness for partnership profiles (YAML and JSON): the hardened reader and the validator.

A file opening with ``{`` or ``[`` is named ``.json``, anything else ``.yaml``, so both parsers
see what they would see from a user; an accepted profile is classified too, since a profile the
validator lets through must be one the classifier can handle.
"""

from __future__ import annotations

from collabmap import classify
from collabmap.errors import CollabmapError
from collabmap.profile import load_profile
from fuzz._scratch import as_file

FORMATS = ("yaml", "json")


def check(data: bytes) -> None:
    """Load ``data`` as a profile file and classify it; only a collabmap refusal may escape."""
    json_like = data.lstrip(b" \t\r\n\xef\xbb\xbf").startswith((b"{", b"["))
    try:
        profile = load_profile(as_file(data, "profile.json" if json_like else "profile.yaml"))
    except CollabmapError:
        return
    classify(profile)
