"""Who may do what in a project: each role's permissions, as data.

The web application asks :func:`allowed` before every page and API call; a change of policy is
a change to :data:`PERMISSIONS` alone.
"""

from __future__ import annotations

from collections.abc import Mapping

from collabmap.errors import AccessDenied

__all__ = ["INVITATION_ONLY", "PERMISSIONS", "allowed", "opened_by_invitation", "require"]

PERMISSIONS: Mapping[str, frozenset[str]] = {
    "owner": frozenset(
        {
            "view",
            "assess",
            "edit",
            "code",
            "manage_members",
            "read_audit",
            "download",
            "export",
            "import",
        },
    ),
    "analyst": frozenset({"view", "assess", "edit", "code", "download", "export", "import"}),
    "respondent": frozenset({"assess"}),
    "viewer": frozenset({"view", "download"}),
}
"""What each role may do. ``view``: see partnerships, classifications and evidence;
``assess``: answer guided assessments (a respondent sees only their own); ``edit``: add and
change partnerships and profiles; ``code``: code sources, review suggestions and write
memos; ``manage_members``: give and take roles; ``read_audit``: read the project's audit log;
``download``: reports and the framework matrix as a spreadsheet (what a viewer sees on the
pages, as a file); ``export``: the whole project as a file (REFI-QDA, CSV, JSON, XLSX), which
carries every interview's text and so is kept to the people who code it; ``import``: upload
documents and REFI-QDA projects into the project."""

ACTIONS = {
    "view": "see this project",
    "assess": "answer assessments in this project",
    "edit": "change this project",
    "code": "code sources in this project",
    "manage_members": "manage who belongs to this project",
    "read_audit": "read this project's audit log",
    "download": "download from this project",
    "export": "export this project's data, which holds the interviews' text",
    "import": "upload files into this project",
}


INVITATION_ONLY = "!invitation-only-"
"""How the password hash of an account made for an invitation starts: no password opens it,
only its link, and it exists to answer the one assessment the link leads to."""


def opened_by_invitation(password_hash: str) -> bool:
    """Whether an account exists only through an invitation link (a respondent's)."""
    return password_hash.startswith(INVITATION_ONLY)


def allowed(role: str | None, permission: str) -> bool:
    return role is not None and permission in PERMISSIONS.get(role, frozenset())


def require(role: str | None, permission: str) -> None:
    """Refuse with :class:`AccessDenied` unless ``role`` carries ``permission``."""
    if not allowed(role, permission):
        raise AccessDenied(f"you may not {ACTIONS.get(permission, permission)}")
