"""The archive of plans, draws, assignments and findings (DESIGN.md §8).

``store`` is an SQLAlchemy URL: an SQLite file by default (:data:`DEFAULT_STORE`), or a
PostgreSQL database for an office or a province. The same code runs on both. The package
creates and upgrades its own tables (:mod:`inspectlib.archive.schema`).

Findings are keyed by firm + campaign + inspection date: importing the same rows twice adds
nothing, every file is recorded all or nothing, and several planners may import at once.

Examples
--------
>>> from inspectlib.archive import open_archive
>>> with open_archive("sqlite:///:memory:") as archive:
...     len(archive.findings())
0
"""

from .checks import default_window, findings_warnings, key_problems, row_problems
from .engine import parse_store
from .findings import FINDINGS_COLUMNS, RecordResult
from .official import Adoption, AdoptionRefused, resolve_strata
from .plans import audit_sha256
from .schema import FINDINGS_KEY, MIGRATIONS, SCHEMA_VERSION, ArchiveError, Migration, migrate
from .store import DEFAULT_STORE, Archive, default_store, open_archive

__all__ = [
    "Adoption",
    "AdoptionRefused",
    "DEFAULT_STORE",
    "FINDINGS_COLUMNS",
    "FINDINGS_KEY",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Archive",
    "ArchiveError",
    "Migration",
    "RecordResult",
    "audit_sha256",
    "default_store",
    "default_window",
    "findings_warnings",
    "key_problems",
    "migrate",
    "open_archive",
    "parse_store",
    "resolve_strata",
    "row_problems",
]
