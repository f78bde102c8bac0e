"""Seed the starting alignments from a news article, with provenance for every number.

A transparent dictionary coder in the spirit of the CAMEO/PETRARCH event coders (docs/seeding.md):

    sentences (line numbers kept) -> actor mentions (sim/data/mentions.yaml)
    -> cue phrases with CAMEO codes and Goldstein weights (sim/data/cues.yaml), negations and hedges
    -> clauses, and in each the actor that acts and the actor acted upon -> the pairs each cue links
    -> each pair's dated prior (sim/data/priors.yaml, sources in sim/data/facts.yaml) updated by its
       sentences in proportion to their strength (scoring.blend) -> a teacher's overrides.

    from sim.seeding import seed
    summary = seed("seeds/pakistan_russia_relations_article.txt", "relations.yaml")
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from pathlib import Path, PurePath

from ..errors import EntenteError
from ..links import page
from .coder import Coder, Coding, Evidence
from .cues import Settings
from .relations import MAX_LISTED_EVIDENCE, build_relations
from .scoring import blend, sentence_weight

__all__ = ["Coder", "Coding", "Evidence", "SeedSummary", "blend", "code_text", "load_coder",
           "relations_document", "seed", "sentence_weight"]

DEFAULT_OVERRIDES_NAME = "overrides.yaml"


@dataclass(frozen=True)
class SeedSummary:
    out: str
    sentences: int
    mentioned: tuple[str, ...]
    sources: dict[str, int]  # document / prior / override -> number of pairs
    overrides_file: str | None
    relations: list[dict]
    document_only: bool = False
    date: date | None = None  # the article's date, when known (--date or its "Date:" line)


def load_coder() -> tuple[Coder, Settings]:
    """The coder built from the bundled dictionaries (read once per process)."""
    from ..inputs.tables import canonical_actors
    from ..inputs.resources import read_table
    from .cues import load_cue_book
    from .mentions import load_mention_finder

    actors = canonical_actors()
    finder = load_mention_finder(read_table("mentions.yaml"), actors)
    book = load_cue_book(read_table("cues.yaml"))
    return Coder(finder, book, tuple(a.name for a in actors)), book.settings


def code_text(text: str, on: date | None = None) -> Coding:
    """The evidence the coder finds in a text of date `on` (None: unknown), pair by pair (no files, no priors)."""
    coder, _ = load_coder()
    return coder.code(text, on)


def _relative(path: Path, start: Path) -> str:
    """The path as seen from the output file's folder when that is short, else as the user gave it."""
    try:
        relative = PurePath(os.path.relpath(path, start)).as_posix()
    except ValueError:  # another drive on Windows
        relative = None
    if relative is not None and relative.count("../") <= 1:
        return relative
    return PurePath(path).as_posix()


def relations_document(article, out, overrides=None, document_only: bool = False,
                       on: date | None = None) -> tuple[dict, Coding]:
    """The relations file's content for an article (paths relative to the output file), and the coding.

    on: the article's date; None takes the date its first line gives ("Date: 2022-03-14"), if any.
    """
    from ..inputs.resources import data_file
    from ..inputs.tables import actor_names
    from .files import article_date, load_overrides, load_priors, read_article

    article, out = Path(article), Path(out)
    text = read_article(article)
    on = on or article_date(text, str(article))
    coder, settings = load_coder()
    coding = coder.code(text, on)
    if not coding.mentioned:
        raise EntenteError("the article names none of the actors (" + ", ".join(coding.actors) + "), so there "
                           "is nothing to code", file=str(article),
                           hint="Check that this is the article you meant. If it names them in other words "
                                "(a leader, a ministry), add those to sim/data/mentions.yaml.")
    names = actor_names()
    priors = load_priors(data_file("priors.yaml"), names)
    missing = [f"{a}-{b}" for a, b in combinations(coding.actors, 2) if (a, b) not in priors]
    if missing:
        raise EntenteError("no prior for " + ", ".join(missing), file=str(data_file("priors.yaml")),
                           hint="Every pair needs a prior with a rationale, for articles silent on it.")
    corrections = load_overrides(Path(overrides), names) if overrides is not None else []
    document = {
        "article": _relative(article, out.parent),
        "article_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        **({"date": on.isoformat()} if on else {}),  # what dated spellings (Kabul) were read as of
        "actors": list(coding.actors),
        "method": {
            "coder": f"dictionary coder: sim/data/mentions.yaml, sim/data/cues.yaml ({page('seeding')})",
            "priors": "sim/data/priors.yaml, sources in sim/data/facts.yaml",
            "mode": "document only: the article read from a neutral start of 0" if document_only
                    else "the prior updated by the article",
            "score": "tanh(atanh(start) + reach * sum(c_s * g_s / 10) / (prior_weight + sum(c_s)))",
            "confidence": "N / (N + k), N = prior_weight + agreement * sum(c_s), "
                          "k: the prior alone gives its confidence",
            "prior_weight": settings.prior_weight,
            "reach": settings.reach,
            "hedge_factor": settings.hedge_factor,
            "prospective_factor": settings.prospective_factor,
            "historical_factor": settings.historical_factor,
            "negated_conflict_factor": settings.negated_conflict_factor,
        },
        "overrides": _relative(Path(overrides), out.parent) if overrides is not None else None,
        "relations": build_relations(coding, priors, corrections, settings, document_only),
    }
    # What seed writes, run --relations must read: list fewer evidence items per pair (the others are summed
    # under `unlisted:`, the same score) until the file fits the safe YAML reader's limits.
    listed = MAX_LISTED_EVIDENCE
    while listed > 0 and not fits_reader(document):
        listed //= 2
        document["relations"] = build_relations(coding, priors, corrections, settings, document_only, listed)
    return document, coding


def _values(node) -> int:
    """Values the safe YAML reader counts in a document: every key, scalar, list and mapping."""
    if isinstance(node, dict):
        return 1 + sum(1 + _values(value) for value in node.values())
    if isinstance(node, list):
        return 1 + sum(_values(item) for item in node)
    return 1


def fits_reader(document: dict) -> bool:
    """Whether the rendered relations file is within the safe YAML reader's limits (with a margin of 5%)."""
    from ..inputs.relations import render
    from ..inputs.safe_yaml import MAX_BYTES, MAX_NODES

    return len(render(document).encode("utf-8")) <= 0.95 * MAX_BYTES and _values(document) <= 0.95 * MAX_NODES


def seed(article, out, overrides: str | Path | None | bool = True, force: bool = False,
         document_only: bool = False, on: date | None = None) -> SeedSummary:
    """Code an article and write the relations file atomically.

    overrides: a file of teacher corrections; True (the default) uses overrides.yaml beside the output file
    when there is one; None or False uses none. on: the article's date (see relations_document).
    """
    from ..inputs.relations import check_out_file, render
    from ..inputs.safe_files import write_file

    out = Path(out)
    if overrides is True:
        beside = out.parent / DEFAULT_OVERRIDES_NAME
        overrides = beside if beside.is_file() else None
    elif overrides is False:
        overrides = None
    check_out_file(out, Path(article), force)
    document, coding = relations_document(article, out, overrides, document_only, on)
    write_file(out, render(document), what="relations file")
    counts = {source: sum(r["source"] == source for r in document["relations"])
              for source in ("document", "prior", "override")}
    return SeedSummary(str(out), coding.sentences, coding.mentioned, counts,
                       None if overrides is None else str(overrides), document["relations"], document_only,
                       date.fromisoformat(document["date"]) if "date" in document else None)
