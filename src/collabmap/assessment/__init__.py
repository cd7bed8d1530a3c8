"""The guided assessment: plain-English questions, one topic per page, that build a profile.

Pure: the questions are data (``data/questions.yaml``), answers are kept as a draft profile,
and the profile validator decides what is allowed. The web application renders the pages and
stores drafts (:mod:`collabmap.store.assessments`).
"""

from __future__ import annotations

from collabmap.assessment._answers import (
    Form,
    PageResult,
    Problem,
    SummaryRow,
    add_item,
    check_draft,
    dom_id,
    draft_profile,
    field_name,
    get_path,
    read_page,
    remove_item,
    summary,
)
from collabmap.assessment._questions import (
    Option,
    Page,
    Question,
    Questionnaire,
    Topic,
    load_questions,
    options_for,
)

__all__ = [
    "Form",
    "Option",
    "Page",
    "PageResult",
    "Problem",
    "Question",
    "Questionnaire",
    "SummaryRow",
    "Topic",
    "add_item",
    "check_draft",
    "dom_id",
    "draft_profile",
    "field_name",
    "get_path",
    "load_questions",
    "options_for",
    "read_page",
    "remove_item",
    "summary",
]
