"""MkDocs hooks (mkdocs.yml): the classroom pack, exercises/, becomes the site's classroom/ section.

The worksheets stay where a class uses them, beside their starter files, and are not copied into docs/:
the site reads them in place. Their links to the rest of the checkout (../docs/model.md, ../README.md)
are written for a checkout and are pointed at the site's pages instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).parent
PACK = ROOT / "exercises"
SECTION = "classroom"
SKIP = {".ipynb_checkpoints", "__pycache__", "mywork", "results"}


def on_files(files, config):
    """Every file of exercises/ under classroom/: worksheets as pages, starter files and answer sheets as
    downloads."""
    for path in sorted(PACK.rglob("*")):
        relative = path.relative_to(PACK)
        if path.is_file() and not SKIP.intersection(relative.parts):
            files.append(File.generated(config, f"{SECTION}/{relative.as_posix()}", abs_src_path=str(path)))
        elif path.is_dir() and not SKIP.intersection(relative.parts) and not (path / "README.md").exists():
            # A worksheet links to a folder (answer_sheets/, crisis/injects/): on the site, a page listing it.
            names = sorted(child.name for child in path.iterdir() if child.is_file())
            listing = "\n".join(f"- [{name}]({name})" for name in names)
            files.append(File.generated(config, f"{SECTION}/{relative.as_posix()}/index.md",
                                        content=f"# {relative.as_posix()}/\n\n{listing}\n"))
    return files


def on_page_markdown(markdown, page, config, files):
    """In a classroom page, a link out of exercises/ goes to the site's own page for it."""
    if not page.file.src_uri.startswith(f"{SECTION}/"):
        return markdown
    depth = page.file.src_uri.count("/")  # classroom/x.md: 1; classroom/crisis/x.md: 2
    up = "../" * depth

    def to_site(match: re.Match) -> str:
        target = match.group(2)
        if target == "docs/":
            return f"]({up}"
        if target == "README.md":
            return f"]({up}index.md"
        return f"]({up}{target.removeprefix('docs/')}"

    pack_root = "../" * (depth - 1)  # from the page to exercises/ in the checkout
    return re.sub(rf"\]\(({re.escape(pack_root)}\.\./)((?:docs/)?[\w./-]*)", to_site, markdown)
