"""The package as a user installs it: a wheel (no editable install, no kernelspec named
``inspectlib``) plans a campaign from a folder outside the repository.

The wheel's dependencies are taken from the test environment (a ``.pth`` line) instead of
being downloaded again; the package itself, its notebooks included, comes from the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.second_region import build_second_region

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed; returns its bin folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp / "dist"),
            str(REPO),
        ]
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("inspectlib-*.whl"))
    venv = tmp / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)]).returncode == 0
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # what nbconvert installs outside site-packages (its templates), as pip would put it there
    shared = venv / "share" / "jupyter"
    shared.mkdir(parents=True)
    (shared / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    done = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])
    assert done.returncode == 0, done.stderr[-2000:]
    return venv / "bin"


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "PYTHON"))}
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)  # no user-level kernelspecs either
    return env


def test_the_wheel_plans_from_any_folder(installed, tmp_path):
    env = _clean_env(tmp_path / "home")
    where = _run(
        [str(installed / "python"), "-c", "import inspectlib; print(inspectlib.__file__)"],
        env=env,
        cwd=tmp_path,
    )
    assert "site-packages" in where.stdout and str(installed.parent) in where.stdout
    specs = _run(
        [
            str(installed / "python"),
            "-c",
            "from jupyter_client.kernelspec import find_kernel_specs; print(sorted(find_kernel_specs()))",
        ],
        env=env,
        cwd=tmp_path,
    )
    assert "inspectlib" not in specs.stdout, specs.stdout
    region = build_second_region(tmp_path / "region", n_firms=300)
    result = _run([str(installed / "inspectlib"), "plan", "wage.yaml"], cwd=region.root, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    runs = [
        p for p in (region.root / "out" / "wage").iterdir() if p.is_dir() and p.name[0].isdigit()
    ]
    assert len(runs) == 1
    assert (runs[0] / "report.html").exists() and (runs[0] / "plan.csv").exists()
    assert "Traceback" not in result.stderr
