"""The framework as a Markdown document: for a team's wiki, a methods appendix or a codebook."""

from __future__ import annotations

from collections.abc import Iterable

from collabmap.framework import Concept, Framework, SourceRef

__all__ = ["framework_markdown"]


def _cite(refs: Iterable[SourceRef]) -> str:
    parts = []
    for ref in refs:
        text = ref.source
        if ref.status != "stated":
            text += f" ({ref.status.replace('_', ' ')})"
        if ref.locator:
            text += f", {ref.locator}"
        parts.append(text)
    return "; ".join(parts)


def _concept(concept: Concept, extra: list[str] | None = None) -> list[str]:
    lines = [f"### {concept.label} (`{concept.id}`)", "", concept.definition, ""]
    lines.extend(extra or [])
    if concept.indicators:
        lines.append("**What to look for:** " + "; ".join(concept.indicators) + ".")
        lines.append("")
    if concept.examples:
        lines.append("**Example:** " + " ".join(concept.examples))
        lines.append("")
    lines.append(f"*Source: {_cite(concept.sources)}*")
    lines.append("")
    return lines


def framework_markdown(framework: Framework) -> str:
    """Every concept, vocabulary, rule and source of ``framework``, as Markdown."""
    fw = framework
    out = [f"# {fw.title}", "", f"Framework `{fw.id}`, version {fw.version}.", "", fw.summary, ""]

    out += ["## Dimensions of collaborative structure", ""]
    for dim in fw.dimensions:
        values = [f"- `{t.id}` — **{t.label}**: {t.definition}" for t in fw.terms(dim.vocabulary)]
        out += _concept(dim, [*values, ""])

    out += ["## Collaborative structures", ""]
    for structure in fw.structures:
        extra: list[str] = []
        if structure.signals:
            extra.append("| answer | values | weight | because |")
            extra.append("|---|---|---:|---|")
            for s in structure.signals:
                extra.append(
                    f"| {s.answer} | {', '.join(s.any_of)} | {s.weight:+g} | {s.because} |"
                )
            extra.append("")
        if structure.governance_mode:
            mode = structure.governance_mode
            extra.append(f"Provan & Kenis governance mode: `{mode.target}` ({mode.basis}).")
            extra.append("")
        out += _concept(structure, extra)

    out += ["## Practices", ""]
    for practice in fw.practices:
        out += _concept(practice)

    out += ["## Rationales", ""]
    for kind in ("collaboration", "co_creation"):
        out += [f"### For {kind.replace('_', '-')}", ""]
        for r in (r for r in fw.rationales if r.kind == kind):
            out += ["#" + line if line.startswith("### ") else line for line in _concept(r)]

    out += ["## Activity categories", ""]
    for category in sorted(fw.activity_categories, key=lambda c: c.priority):
        rules = []
        for rule in category.rules:
            conditions = ", ".join(
                f"{k} = {v}" for k, v in rule.model_dump(exclude_none=True).items()
            )
            rules.append(f"- rule: {conditions}")
        extra = [
            f"Family: **{category.family.replace('_', ' ')}**; IAP2 level: `{category.iap2}`; "
            f"tried in order {category.priority}.",
            "",
            *rules,
            "",
        ]
        out += _concept(category, extra)

    out += ["## Words that claim co-creation (rhetoric check)", ""]
    for term in fw.rhetoric:
        out.append(f"- claims `{term.claims}`: {', '.join(term.phrases)}")
    out.append("")

    out += ["## Democratic accountability", ""]
    for question in fw.accountability:
        extra = [
            f"**Question:** {question.question}",
            "",
            f"Raised when: {', '.join(question.raised_when)}.",
            "",
        ]
        out += _concept(question, extra)

    if fw.reflective_questions:
        out += ["## Reflective questions", ""]
        out += [f"- {q.question}" for q in fw.reflective_questions]
        out.append("")

    for title, concepts in (
        ("IAP2 spectrum", fw.iap2_levels),
        ("Provan & Kenis governance modes", fw.governance_modes),
        ("Collaborative governance regime types", fw.cgr_types),
    ):
        out += [f"## {title}", ""]
        for concept in concepts:
            out += _concept(concept)

    out += ["## Vocabularies", ""]
    for v in fw.vocabularies:
        out += [f"### {v.label} (`{v.id}`)", "", v.definition, ""]
        out += [f"- `{t.id}` — **{t.label}**: {t.definition}" for t in v.terms]
        out.append("")

    settings = fw.classification
    out += [
        "## Classification settings",
        "",
        f"- minimum fit for a structure: {settings.min_fit}",
        f"- hybrid when the runner-up is within {settings.hybrid_margin} of the best fit",
        f"- key answers: {', '.join(settings.key_answers)} "
        f"(at least {settings.min_key_answers} needed)",
        f"- a rationale is justified by a mechanism of at least "
        f"{settings.min_mechanism_words} words",
        "",
    ]

    out += ["## Sources", ""]
    for ref in fw.sources:
        line = f"- `{ref.id}` — {ref.citation}"
        if ref.url:
            line += f" <{ref.url}>"
        out.append(line)
    out.append("")
    return "\n".join(out)
