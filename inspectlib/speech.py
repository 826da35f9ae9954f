"""Which language the command line speaks, and its words (``cli.yaml`` of the catalogue).

The rule, first match wins:

1. ``--lang zh`` or ``--lang en`` on the command line;
2. for a command that reads params files (``plan``, ``report``, ``annual``, ``batch``,
   ``record --params``): the language of their outputs, i.e. the params file's ``language``
   (a ``--set language=…`` included). A params file without ``language`` writes Chinese
   outputs (the params model's default), so the command speaks Chinese for it too. A
   ``batch`` whose files disagree, or a params file that cannot be read, falls through;
3. the locale: the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set decides
   (Chinese when it starts with ``zh``, e.g. ``zh_CN.UTF-8``);
4. English.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from inspectlib import catalogue
from inspectlib.catalogue import LANGUAGES, Language
from inspectlib.errors import InspectlibError

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The POSIX locale variables that name the language of messages, strongest first."""


def locale_language(environ: Mapping[str, str]) -> Language | None:
    """The language of the locale, or None when no locale variable is set.

    Examples
    --------
    >>> locale_language({"LANG": "zh_CN.UTF-8"}), locale_language({"LANG": "C.UTF-8"})
    ('zh', 'en')
    >>> locale_language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"})
    'en'
    >>> locale_language({}) is None
    True
    """
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return None


def params_language(
    params_files: Iterable[str | Path], overrides: Mapping[str, Any] | None = None
) -> Language | None:
    """The language the outputs of these params files are written in, if they agree.

    ``overrides`` (``--set`` values) win over the files. A file without ``language`` means
    the params model's default. None when there is no file, a file cannot be read
    (its problems are reported by the command itself) or the files disagree.
    """
    from inspectlib.params import CampaignParams, read_params_file

    default = CampaignParams.model_fields["language"].default

    found: set[str] = set()
    for path in params_files:
        if overrides and "language" in overrides:
            found.add(str(overrides["language"]))
            continue
        try:
            raw = read_params_file(path)
        except InspectlibError:
            return None
        found.add(str(raw.get("language", default)))
    if len(found) != 1:
        return None
    (language,) = found
    return language if language in LANGUAGES else None  # type: ignore[return-value]


def choose_language(
    flag: str | None,
    params_files: Sequence[str | Path] = (),
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Language:
    """The language the command speaks: ``--lang``, else the params', else the locale's,
    else English (see the module docstring).

    Examples
    --------
    >>> choose_language("en", environ={"LANG": "zh_CN.UTF-8"})
    'en'
    >>> choose_language(None, environ={"LANG": "zh_CN.UTF-8"})
    'zh'
    >>> choose_language(None, environ={})
    'en'
    """
    if flag in LANGUAGES:
        return flag  # type: ignore[return-value]
    if params_files:
        from_params = params_language(params_files, overrides)
        if from_params is not None:
            return from_params
    if environ is None:
        import os

        environ = os.environ
    return locale_language(environ) or "en"


def say(key: str, language: str, /, **values: Any) -> str:
    """One line of the command line's words: ``cli.yaml``'s ``key`` in ``language``.

    Examples
    --------
    >>> say("record.nothing_recorded", "zh")
    '未记录任何内容：请改正错误后重新运行'
    """
    return catalogue.text(f"cli.{key}", language, **values)
