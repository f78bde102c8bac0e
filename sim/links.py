"""Where the documentation lives, for what Entente prints: one address, and the pages on it.

A wheel user has no docs/ folder, so the command line, the reports and the error hints cite the
documentation site (built from docs/ by `mkdocs build`, mkdocs.yml), never a path of the checkout.
pyproject.toml's [project.urls] and CITATION.cff give the same addresses; tests/test_site.py holds them
equal, and holds every page and section cited in sim/ to exist in the built site.
"""

from __future__ import annotations

SITE = "https://entente-sim.github.io/entente-sim/"
REPOSITORY = "https://github.com/entente-sim/entente-sim"


def page(name: str) -> str:
    """The address of a page of the site: docs/NAME.md, or the home page for "index"."""
    return SITE if name == "index" else f"{SITE}{name}/"


def cite(name: str, section: str | None = None) -> str:
    """A page, and the heading of the section meant, as Entente cites them in text: `ADDRESS, "Section"`."""
    return page(name) if section is None else f'{page(name)}, "{section}"'
