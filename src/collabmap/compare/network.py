"""The stakeholder network of one partnership, and the network governance mode it suggests.

A profile names a lead organisation and its partners, and nothing about ties between the
partners; so the network built from a profile is the lead joined to each partner, and no more
(inventing partner-to-partner ties would put words in the profile's mouth). Where ties among
partners are known — from a network survey such as PARTNER — they can be passed in, and the
measures then describe the network as it is rather than as the profile records it.

The governance suggestion maps the partnership onto Provan & Kenis (2008): *shared*
(participant-governed), *lead organisation* and *network administrative organisation* (NAO).
It starts from the framework's structure → governance mode mapping and adjusts it by what the
network shows, citing P&K's contingencies: number of participants, trust density, goal
consensus and the need for network-level competencies. Profiles record nothing on trust or
goal consensus, so the reasons say so rather than guess.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal

import networkx as nx  # type: ignore[import-untyped]

from collabmap.classify import classify
from collabmap.classify._labels import label_of
from collabmap.compare._plain import plain_dict
from collabmap.framework import Framework, default_framework
from collabmap.profile import Profile

__all__ = [
    "RULES",
    "GovernanceSuggestion",
    "NetworkNode",
    "PartnershipNetwork",
    "Rule",
    "degree_centralisation",
    "partnership_network",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """A threshold or framework value the suggestion relies on, the mode it points to, and
    where it comes from (``from_memory``: recalled from P&K, unchecked; ``inferred``: ours)."""

    value: float | str
    mode: str
    source: str
    status: Literal["from_memory", "inferred"]


RULES: Final[Mapping[str, Rule]] = MappingProxyType(
    {
        # P&K Table 2: shared governance suits "few" participants; they give no number in what
        # we hold, so six (a board that can meet as equals) is our reading of "few".
        "shared_max_organisations": Rule(
            6, "shared", "Provan & Kenis 2008, Table 2: participants few", "inferred"
        ),
        # P&K Table 2: the lead-organisation mode goes with "highly centralized" trust; the
        # cut-off on Freeman degree centralisation (0 to 1) is ours.
        "high_centralisation": Rule(
            0.8,
            "lead_organisation",
            "Provan & Kenis 2008, Table 2: trust highly centralized",
            "inferred",
        ),
        # A lead running shared administration for a network governs its work without
        # delivering it: P&K's NAO, where the need for network-level competencies is high.
        "nao_lead_role": Rule(
            "administrator",
            "network_administrative_organisation",
            "Provan & Kenis 2008, NAO mode; framework lead_roles",
            "from_memory",
        ),
        # "No single organisation leads; we govern the partnership together": P&K's shared,
        # participant-governed mode.
        "shared_lead_role": Rule(
            "peer_member",
            "shared",
            "Provan & Kenis 2008, shared mode; framework lead_roles",
            "from_memory",
        ),
    }
)
"""The only constants of this module, each with its source and status."""

_SHARED = RULES["shared_lead_role"].mode
_LEAD = RULES["high_centralisation"].mode
_NAO = RULES["nao_lead_role"].mode


@dataclass(frozen=True, slots=True)
class NetworkNode:
    """An organisation in the partnership; ``sector`` is None when the profile omits it."""

    name: str
    sector: str | None
    sector_label: str
    role: str | None
    is_lead: bool


@dataclass(frozen=True, slots=True)
class GovernanceSuggestion:
    """The P&K governance mode the partnership's structure and network suggest, and why.

    ``mode`` is None when neither the structure nor the network says enough;
    ``from_structure`` is the framework's mapping for the structure before any adjustment.
    """

    mode: str | None
    label: str
    from_structure: str | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartnershipNetwork:
    """The network of one partnership and its measures (see :func:`partnership_network`)."""

    partnership: str
    nodes: tuple[NetworkNode, ...]
    edges: tuple[tuple[str, str], ...]
    organisations: int
    density: float
    centralisation: float | None
    sectors: dict[str, int]
    ties_recorded: Literal["lead_only", "with_partner_ties"]
    governance: GovernanceSuggestion
    missing: tuple[str, ...]

    @property
    def lead(self) -> NetworkNode | None:
        """The lead organisation's node, if the profile names a lead."""
        return next((node for node in self.nodes if node.is_lead), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for the web app (tuples become lists; ``lead`` added)."""
        data = plain_dict(self)
        data["lead"] = self.lead.name if self.lead else None
        return data


def degree_centralisation(graph: nx.Graph) -> float | None:
    """Freeman's degree centralisation of an undirected graph, from 0 to 1.

    ``C = Σ_i (d_max − d_i) / ((n − 1)(n − 2))`` where ``d_i`` is the degree of node ``i``,
    ``d_max`` the largest degree and ``n`` the number of nodes. The denominator is the sum a
    star of ``n`` nodes reaches, so a star (every tie runs through one organisation) gives 1
    and any graph where all degrees are equal (e.g. complete) gives 0. Undefined (None) for
    fewer than three nodes, where every shape is both a star and regular.
    """
    n = graph.number_of_nodes()
    if n < 3:
        return None
    degrees = [degree for _, degree in graph.degree()]
    top = max(degrees)
    spread: float = sum(top - d for d in degrees) / ((n - 1) * (n - 2))
    return round(spread, 6)


def partnership_network(
    profile: Profile,
    *,
    ties: Iterable[tuple[str, str]] = (),
    framework: Framework | None = None,
) -> PartnershipNetwork:
    """Build the partnership's network from its profile and measure it.

    ``ties`` adds known relationships between the named organisations (e.g. partner to partner
    from a network survey); a tie naming an organisation the profile lacks raises ValueError,
    so a typing mistake cannot silently add an organisation.
    """
    fw = framework or default_framework()
    graph: nx.Graph = nx.Graph()
    nodes: list[NetworkNode] = []
    lead = profile.lead
    members = [(lead, True)] if lead is not None else []
    for org, is_lead in members + [(partner, False) for partner in profile.partners]:
        if org.organisation in graph:
            continue  # the same organisation named twice is one organisation
        graph.add_node(org.organisation)
        sector_label = label_of(fw, "sectors", org.sector) if org.sector else "sector not recorded"
        nodes.append(NetworkNode(org.organisation, org.sector, sector_label, org.role, is_lead))
    if lead is not None:
        for node in nodes:
            if not node.is_lead:
                graph.add_edge(lead.organisation, node.name)
    extra = 0
    for a, b in ties:
        for name in (a, b):
            if name not in graph:
                raise ValueError(f"the tie {a!r}–{b!r} names {name!r}, not in the profile")
        if a != b and not graph.has_edge(a, b):
            graph.add_edge(a, b)
            extra += 1
    n = graph.number_of_nodes()
    density = round(nx.density(graph), 6) if n > 1 else 0.0
    centralisation = degree_centralisation(graph)
    sectors = Counter(node.sector or "not_recorded" for node in nodes)
    missing: list[str] = []
    if lead is None:
        missing.append("No lead organisation recorded in the profile")
    if not profile.partners:
        missing.append("No partners recorded in the profile")
    unknown = [node.name for node in nodes if node.sector is None]
    if unknown:
        missing.append("Sector not recorded for " + ", ".join(unknown))
    governance = _suggest(profile, fw, n, centralisation, extra > 0)
    return PartnershipNetwork(
        partnership=profile.name,
        nodes=tuple(nodes),
        edges=tuple((str(a), str(b)) for a, b in graph.edges()),
        organisations=n,
        density=density,
        centralisation=centralisation,
        sectors=dict(sectors),
        ties_recorded="with_partner_ties" if extra else "lead_only",
        governance=governance,
        missing=tuple(missing),
    )


def _suggest(
    profile: Profile, fw: Framework, n: int, centralisation: float | None, observed: bool
) -> GovernanceSuggestion:
    """Apply the structure mapping, then the network adjustments, collecting P&K reasons."""
    labels = {m.id: m.label for m in fw.governance_modes}

    def called(mode_id: str) -> str:
        text = labels.get(mode_id, mode_id.replace("_", " "))
        return text[:1].lower() + text[1:]

    structure = classify(profile, fw).structure
    chosen = next((s for s in fw.structures if s.id == structure.label), None)
    mapping = chosen.governance_mode if chosen is not None else None
    before = mode = mapping.target if mapping is not None else None
    if chosen is not None and mapping is not None:
        note = f": {mapping.note}" if mapping.note else ""
        reasons = [
            f"The partnership's structure is {label_of(fw, 'structures', chosen.id)}; the "
            f"framework maps it to {called(mapping.target)} ({mapping.basis}{note})."
        ]
    else:
        reasons = [
            "The partnership's structure is not settled "
            f"({label_of(fw, 'structures', structure.label)}),"
            " so the suggestion rests on the network alone."
        ]
    few = float(RULES["shared_max_organisations"].value)
    high = float(RULES["high_centralisation"].value)
    size = f"{n} organisation{'s' * (n != 1)}"
    role, lead = profile.lead_role, profile.lead
    if role == RULES["nao_lead_role"].value:
        mode = _NAO
        reasons.append(
            "The lead runs shared administration for the network, governing its work rather "
            "than delivering it; the need for network-level competencies is high: Provan & "
            "Kenis's network administrative organisation."
        )
    elif role == RULES["shared_lead_role"].value:
        mode = _SHARED if n <= few else _NAO
        reasons.append(
            f"No single organisation leads and the network is small ({size}, at most {few:g}):"
            " Provan & Kenis's shared governance suits few participants."
            if mode == _SHARED
            else f"No single organisation leads, but with {size} (more than {few:g}) shared "
            "governance grows slow and costly; Provan & Kenis suggest a network "
            "administrative organisation for moderate to many participants."
        )
    elif observed and lead and centralisation is not None and centralisation >= high:
        mode = _LEAD
        reasons.append(
            f"Ties run mostly through the lead (degree centralisation {centralisation:.2f}, "
            f"at least {high:g}): Provan & Kenis tie the lead-organisation mode to highly "
            "centralised trust."
        )
    elif mode == _SHARED and n > few:
        mode = _LEAD if lead is not None and role else _NAO
        reasons.append(
            f"With {size} (more than {few:g}), Provan & Kenis's size contingency weighs "
            f"against shared governance; {called(mode)} suits moderate numbers"
            + (" and the lead is placed to govern." if mode == _LEAD else " to many.")
        )
    elif mode is None and lead is not None and role:
        mode = _LEAD
        reasons.append(
            f"One organisation leads ({lead.organisation}, as "
            f"{label_of(fw, 'lead_roles', role)}): Provan & Kenis's lead-organisation mode."
        )
    if centralisation is not None and not observed:
        reasons.append(
            f"Degree centralisation is {centralisation:.2f} because the profile records only "
            "the lead's ties to each partner; record ties between partners to test it."
        )
    elif centralisation is not None and centralisation < high:
        reasons.append(
            f"Ties are spread among members (degree centralisation {centralisation:.2f}): "
            "Provan & Kenis link dense, decentralised trust with shared governance."
        )
    nao_practices = {
        value
        for s in fw.structures
        if s.governance_mode is not None and s.governance_mode.target == _NAO
        for signal in s.signals
        if signal.answer == "practice" and signal.weight > 0
        for value in signal.any_of
    }
    if shown := sorted(set(profile.practices) & nao_practices):
        reasons.append(
            "Practices showing a need for network-level competencies (a contingency for a "
            "network administrative organisation): "
            + ", ".join(label_of(fw, "practices", p) for p in shown)
            + "."
        )
    reasons.append(
        "The profile records nothing on trust density or goal consensus, Provan & Kenis's "
        "other contingencies: shared governance needs both to be high, a lead organisation "
        "copes with moderately low goal consensus."
    )
    if mode is None:
        reasons.append("Not enough is recorded to suggest a governance mode.")
    elif before is not None and mode != before:
        reasons.insert(1, f"Adjusted from {called(before)} by the network facts below.")
    return GovernanceSuggestion(
        mode=mode,
        label=labels.get(mode, mode) if mode else "No suggestion",
        from_structure=before,
        reasons=tuple(reasons),
    )
