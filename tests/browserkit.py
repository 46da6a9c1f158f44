"""Playwright driving Debian's Chromium (/usr/bin/chromium): no browser is downloaded."""
from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import psutil

from tests.testkit import survivors

CHROMIUM = Path(os.environ.get("COURSE_TEST_CHROMIUM", "/usr/bin/chromium"))
# Headless, and quiet: this machine's network is closed, so no background connections.
FLAGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage"]


@contextlib.contextmanager
def chromium(marker: str):
    """A headless Chromium; when it closes, neither it nor Playwright's driver may be left."""
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        raise RuntimeError(f"{CHROMIUM} is missing: `apt-get install chromium` (Debian; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    key, value = marker.split("=", 1)
    before = {p.pid for p in psutil.Process().children()}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), env={**os.environ, key: value},
            # Chromium's own sandbox needs an unprivileged user; tests may run as root.
            args=FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else []))
        try:
            yield browser
        finally:
            browser.close()
    left = survivors(marker) + [f"{p.pid}: {' '.join(p.cmdline())[:120]}"
                                for p in psutil.Process().children() if p.pid not in before and p.is_running()
                                and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, f"the browser left processes behind: {left}"


def screenshot(page, folder: Path, name: str) -> Path:
    """A full-page PNG in the test's output folder; its path is printed (pytest -s shows it)."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
