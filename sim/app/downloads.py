"""What the page offers to download, each built from the session's Result only when clicked.

`DOWNLOADS` is the one list the page shows as buttons: the result folder as a zip, and the one-page report
(the report.html that `sim run` writes, sim/present/html.py).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..results.result import Result
from ..present.files import write_result

ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # a fixed date inside the zip: the same result gives the same bytes


@dataclass(frozen=True)
class Download:
    label: str
    suffix: str  # the file name is the result's folder name + suffix
    mime: str
    build: Callable[[Result], bytes]


def folder_name(result: Result, month: int) -> str:
    """A safe file name: the scenario's name in plain characters, and the month it reached."""
    plain = "".join(c if (c.isascii() and c.isalnum()) or c == "-" else "_" for c in result.name.lower())
    plain = "_".join(part for part in plain.split("_") if part)[:60].strip("_-")
    return f"{plain or 'scenario'}_month{month}"


def result_zip(result: Result) -> bytes:
    """The result folder (as `sim run` writes it: data files, figures, manifest) as a zip."""
    with tempfile.TemporaryDirectory(prefix="entente-result-") as folder:
        out = Path(folder) / "result"
        write_result(result, out)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out.iterdir()):
                info = zipfile.ZipInfo(path.name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        return buffer.getvalue()


def report_page(result: Result) -> bytes:
    """The one-page report, self-contained (figures inline), exactly as `sim run` writes report.html."""
    from ..present.html import build_report
    from ..present.figures import render_plots

    return build_report(result, figures=render_plots(result, ("png",))).encode("utf-8")


DOWNLOADS: tuple[Download, ...] = (
    Download("Download the result folder (zip)", ".zip", "application/zip", result_zip),
    Download("Download the one-page report", ".html", "text/html", report_page),
)
