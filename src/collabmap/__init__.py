"""collabmap: describe, compare and analyse collaborative practice in public services.

A library first: everything the command line does is importable. The main entry points::

    from collabmap import classify, load_profile, default_framework
    result = classify(load_profile("our-partnership.yaml"))
    result.structure.label, result.structure.reasons

The framework (FitzGerald et al., 2021, "Rallying together") is data: see
:mod:`collabmap.framework`.
"""

from collabmap.classify import Classification, classify
from collabmap.errors import CollabmapError, InvalidFramework, InvalidInput, InvalidProfile
from collabmap.examples import example_names, load_example
from collabmap.framework import Framework, default_framework, load_framework
from collabmap.profile import Profile, load_profile, parse_profile

__version__ = "0.1.0"

__all__ = [
    "Classification",
    "CollabmapError",
    "Framework",
    "InvalidFramework",
    "InvalidInput",
    "InvalidProfile",
    "Profile",
    "__version__",
    "classify",
    "default_framework",
    "example_names",
    "load_example",
    "load_framework",
    "load_profile",
    "parse_profile",
]
