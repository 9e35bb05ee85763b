"""Servers the multi-process tests start for themselves: Redis on a free loopback port, in a
folder of the test's (unless REDIS_URL names one that runs), and helpers to wait for them."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

NO_REDIS = ("redis-server is not installed (Debian package redis-server, installed by "
            "scripts/setup --test), and REDIS_URL names no running Redis")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _answers(url: str) -> bool:
    import redis

    try:
        with redis.Redis.from_url(url, socket_timeout=0.5) as client:
            return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


@contextmanager
def redis_server(folder: Path):
    """The URL of a Redis to use: REDIS_URL's, else a new redis-server stopped afterwards."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip(NO_REDIS)
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_until(lambda: _answers(url), 10, "redis-server to answer")
        yield url
    finally:
        process.terminate()
        process.wait(10)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
