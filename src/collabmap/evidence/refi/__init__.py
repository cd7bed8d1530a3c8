"""REFI-QDA (QDA-XML 1.0) exchange: collabmap projects to and from NVivo, ATLAS.ti, MAXQDA,
QualCoder and qc.

A ``.qdpx`` is a zip of ``project.qde`` (XML) and ``sources/``; a ``.qdc`` is a codebook alone.
:func:`read_refi` reads either, whatever the file is called.
The in-memory form is :class:`~collabmap.evidence.model.RefiProject`::

    from collabmap.evidence.refi import read_qdpx, write_qdpx
    imported = read_qdpx("nvivo-export.qdpx")
    imported.project.codes, imported.warnings
    write_qdpx(imported.project, "for-maxqda.qdpx")

Reading refuses unsafe or unusable files with :class:`~collabmap.errors.ImportRefused` and
reports harmless oddities (PDF sources, sets, links …) as warnings; writing is deterministic
and valid against ``Project-mrt2019.xsd``.
"""

from collabmap.evidence.refi._files import RefiLimits, line_ending_map
from collabmap.evidence.refi._read import RefiImport, read_qdc, read_qdpx, read_refi
from collabmap.evidence.refi._write import CODEBOOK_NS, PROJECT_NS, write_qdc, write_qdpx

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "RefiImport",
    "RefiLimits",
    "line_ending_map",
    "read_qdc",
    "read_qdpx",
    "read_refi",
    "write_qdc",
    "write_qdpx",
]
