"""Starts the project's emulator (launcher.py) for the emulator's own unittests: on a free
port, ending with the test process, its output in a log file of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def start_emulator(prefix: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The emulator process and its endpoint, once it answers (within 60 s)."""
    workdir = tempfile.mkdtemp(prefix=prefix)
    port_file = os.path.join(workdir, "port")
    with open(os.path.join(workdir, "emulator.log"), "w") as log:
        process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "launcher.py"), "--port", "0", "--port-file", port_file,
             "--exit-with-parent", str(os.getpid())],
            stdout=log, stderr=subprocess.STDOUT, env=env if env is not None else dict(os.environ),
        )
    deadline = time.time() + 60
    while True:
        if os.path.exists(port_file):
            with open(port_file) as fh:
                endpoint = f"http://127.0.0.1:{fh.read().strip()}"
            try:
                urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=5).read()
                return process, endpoint
            except OSError:
                pass
        if process.poll() is not None:
            raise RuntimeError(f"the emulator exited; see {workdir}/emulator.log; run `make venv`")
        if time.time() > deadline:
            process.kill()
            raise RuntimeError(f"the emulator did not start; see {workdir}/emulator.log")
        time.sleep(0.1)
