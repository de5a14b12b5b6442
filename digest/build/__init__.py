"""The build: content/ -> site/ (docs/architecture.md maps its modules).

`build(options)` builds once; a `Builder` builds one project again and again, redoing only
what each change needs.
"""

from digest.build.builder import Builder, build
from digest.build.records import BuildOptions, BuildResult, Progress, SiteBuild, build_now
from digest.kinds import EVERYTHING, Change

CONFIG, CONTENT, TEMPLATES, STATIC = Change.CONFIG, Change.CONTENT, Change.TEMPLATES, \
    Change.STATIC

__all__ = ["CONFIG", "CONTENT", "EVERYTHING", "STATIC", "TEMPLATES", "BuildOptions",
           "BuildResult", "Builder", "Change", "Progress", "SiteBuild", "build", "build_now"]
