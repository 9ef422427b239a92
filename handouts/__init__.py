"""handouts: print-ready patient handouts in every language.

One English handout (a Jinja2 template with gettext-marked text) and one gettext
catalog per language become PDFs rendered by WeasyPrint, plus the
"PDFs by language" page and the manifest the web site downloads.

The public surface:

- :func:`load_project` reads the handouts, languages and shared facts.
- :func:`render_pdf` renders one handout in one language, edition and paper.
- :func:`plan` lists the jobs (handout, language, edition, paper) of a build.
- :func:`build` renders jobs into an output folder with the page and manifest.
"""

__version__ = "0.1.0"

from .errors import HandoutsError
from .project import Project, load_project
from .build import BuildReport, build
from .jobs import Job, plan

# Rendering loads Jinja2 and, when it renders, WeasyPrint: imported on first use,
# so that a command with nothing to render starts fast.
_FROM_RENDER = ("RenderedPDF", "render_html", "render_pdf")


def __getattr__(name: str):
    if name in _FROM_RENDER:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BuildReport",
    "HandoutsError",
    "Job",
    "Project",
    "RenderedPDF",
    "build",
    "load_project",
    "plan",
    "render_html",
    "render_pdf",
]
