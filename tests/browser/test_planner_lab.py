"""The planner notebook in a real JupyterLab, in a real Chromium.

Starts ``jupyter lab`` on 127.0.0.1 (no token, temporary settings, workspace, config and
runtime folders), opens ``notebooks/planner.ipynb`` as stored, runs all cells with the
project's kernel, moves the target slider with the keyboard, and checks that the summary and
the map follow, then saves the params file and checks that ``plan_draw`` on it draws the
firms the page lists, in the same order. Screenshots go to ``outputs/browser/planner_*.png``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from inspectlib.draw import plan_draw
from inspectlib.inputs import load_campaign_inputs
from inspectlib.params import load_params
from tests.helpers import free_port
from tests.planner_demo import ROOT, ensure_demo_inputs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "inspectlib/notebooks/planner.ipynb"
START_TIMEOUT_S = 60
SETTINGS = {  # no pop-ups about news and updates; never autosave the executed notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}
SUMMARY = ".inspectlib-planner-summary .inspectlib-planner-result"
MAP = ".inspectlib-planner-mapframe"
KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  const ctx = panel && panel.sessionContext;
  const kernel = ctx && ctx.session && ctx.session.kernel;
  return !!kernel && kernel.name === 'inspectlib' && kernel.status === 'idle';
}"""


def _request(url: str, method: str = "GET", timeout: float = 5) -> bytes:
    request = urllib.request.Request(url, method=method, data=b"" if method != "GET" else None)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[str]:
    """A JupyterLab server on a free port of 127.0.0.1; always shut down afterwards."""
    ensure_demo_inputs()
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings"
    for name, values in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port = free_port()
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "IPYTHONDIR": str(tmp / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={ROOT}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'ws'}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
    ]
    if os.geteuid() == 0:  # containers and CI runners
        command.append("--ServerApp.allow_root=True")
    log = open(tmp / "lab.log", "wb")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with {server.returncode}:\n"
                    + (tmp / "lab.log").read_text(errors="replace")[-3000:]
                )
            try:
                _request(f"{url}/api/status", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer on {url} in {START_TIMEOUT_S} s")
                time.sleep(0.3)
        yield url
    finally:
        _stop(server, url)
        log.close()


def _stop(server: subprocess.Popen, url: str) -> None:
    """Shut down the kernels and the server; kill the server's process group if it lingers."""
    if server.poll() is None:
        try:
            for kernel in json.loads(_request(f"{url}/api/kernels")):
                _request(f"{url}/api/kernels/{kernel['id']}", method="DELETE", timeout=10)
            _request(f"{url}/api/shutdown", method="POST")
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def _map_frame(page):
    """The map iframe's frame once its Leaflet map is ready."""
    handle = page.wait_for_selector(f"{MAP} iframe", timeout=30_000)
    frame = handle.content_frame()
    frame.wait_for_function("window.inspectlibMap && window.inspectlibMap.ready", timeout=30_000)
    return frame


def _shown_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".inspectlib-planner-list td[data-col=firm_id]", "cells => cells.map(c => c.textContent)"
    )


def test_planner_notebook_in_jupyterlab(lab, browser, screenshot_dir):
    defaults = load_params(ROOT / "params" / "wage.yaml")  # what the notebook opens with
    eligible = len(plan_draw(defaults, load_campaign_inputs(defaults)).eligible)
    stored = (ROOT / NOTEBOOK).read_bytes()
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    exported_path: Path | None = None
    try:
        page.goto(f"{lab}/lab/tree/{NOTEBOOK}", wait_until="domcontentloaded")
        page.wait_for_function(KERNEL_IDLE, timeout=60_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_selector(f"{SUMMARY}[data-draw]", timeout=60_000)
        summary = page.locator(SUMMARY)
        first_draw = summary.get_attribute("data-draw")
        first_text = summary.inner_text()
        assert summary.get_attribute("data-selected") == "125"
        assert summary.get_attribute("data-eligible") == str(eligible)
        assert f"{eligible:,}" in first_text
        frame = _map_frame(page)
        assert frame.evaluate("window.inspectlibMap.counts.selected") == 125
        assert page.locator(MAP).get_attribute("data-draw") == first_draw
        assert len(_shown_ids(page)) == 125
        page.screenshot(path=str(screenshot_dir / "planner_initial.png"))

        # Move the target slider with the keyboard: five steps right, one debounced update.
        handle = page.locator(".inspectlib-planner-target .noUi-handle")
        handle.focus()
        for _ in range(5):
            handle.press("ArrowRight")
        pressed = time.monotonic()
        page.wait_for_function(
            """([sel, old]) => { const e = document.querySelector(sel);
                                 return e && e.dataset.draw && e.dataset.draw !== old
                                        && e.dataset.selected === '130'; }""",
            arg=[SUMMARY, first_draw],
            timeout=30_000,
        )
        latency = time.monotonic() - pressed
        print(f"last key press → new summary on the page: {latency:.2f} s (0.3 s debounce)")
        second_draw = summary.get_attribute("data-draw")
        assert summary.inner_text() != first_text
        page.wait_for_function(
            "([sel, draw]) => { const e = document.querySelector(sel); "
            "return e && e.dataset.draw === draw; }",
            arg=[MAP, second_draw],
            timeout=30_000,
        )
        frame = _map_frame(page)
        assert frame.evaluate("window.inspectlibMap.counts.selected") == 130
        ids = _shown_ids(page)
        assert len(ids) == 130
        updates = int(page.locator(".inspectlib-planner-status-text").get_attribute("data-updates"))
        # five key presses: usually one debounced update (how many depends on how fast the
        # keys arrive, so only bounds are checked); each changed the draw, so each re-rendered
        # the map once, and nothing else did
        assert 2 <= updates <= 6
        assert page.locator(MAP).get_attribute("data-renders") == str(updates)
        page.locator(".inspectlib-planner-summary").scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / "planner_changed.png"))
        page.locator(MAP).screenshot(path=str(screenshot_dir / "planner_map.png"))

        # Save the params file and check it reproduces the draw the page shows.
        page.locator("button.inspectlib-planner-export").click()
        exported = page.wait_for_selector(".inspectlib-planner-exported[data-path]", timeout=30_000)
        exported_path = Path(exported.get_attribute("data-path"))
        assert exported.get_attribute("data-draw") == second_draw
        assert exported_path.parent == ROOT / "params"
        assert f"inspectlib plan params/{exported_path.name}" in exported.inner_text()
        exported.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / "planner_exported.png"))
        params = load_params(exported_path)
        assert params.target_firms == 130
        again = plan_draw(params, load_campaign_inputs(params))
        assert again.selected["firm_id"].tolist() == ids
        assert errors == []
    finally:
        if exported_path is not None:
            exported_path.unlink(missing_ok=True)
        page.close()
    assert (ROOT / NOTEBOOK).read_bytes() == stored  # run, never saved
