"""oe shell and oe monitor on a real pseudo-terminal: tmux runs them, send-keys types,
capture-pane reads the screen. Every wait polls the pane with a bounded timeout."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None or shutil.which("bash") is None,
                                reason="tmux (or bash) is not installed (.ci/run installs tmux)")

TIMEOUT = 40.0


class Pane:
    """One tmux session running ``command`` under bash, which prints ``EXITED=<status>``
    when it ends (bash, unlike dash, outlives a Ctrl-C that its child handles)."""

    def __init__(self, socket: str, command: str, cwd, env: dict):
        self.socket = socket
        self.target = "oe"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script = f"export {exports}; {command}; echo EXITED=$?; sleep 60"
        self.tmux("new-session", "-d", "-s", self.target, "-x", "110", "-y", "32", "-c", str(cwd),
                  f"bash -c {shlex.quote(script)}")

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], check=True,
                              capture_output=True, text=True, timeout=30).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.target)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def wait_until(self, ready, what: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"waited {timeout:g} s for {what}; the screen:\n{screen}")
            time.sleep(0.1)

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        return self.wait_until(lambda screen: all(text in screen for text in texts), repr(texts), timeout)


@pytest.fixture
def pane(tmp_path, data_home):
    socket = f"oe-test-{uuid.uuid4().hex[:8]}"
    env = {"XDG_DATA_HOME": str(data_home), "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "TERM": "xterm-256color"}
    panes = []

    def start(*args: str) -> Pane:
        command = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "openentropy.shell", *args))
        panes.append(Pane(socket, command, tmp_path, env))
        return panes[-1]

    yield start
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=30)


def out_bytes(screen: str) -> int:
    """The toolbar's 'out N B' figure."""
    match = re.findall(r"\| out ([\d,]+) B", screen)
    return int(match[-1].replace(",", "")) if match else -1


def test_shell_on_a_terminal(pane, quick_profile, data_home, tmp_path):
    p = pane("shell", str(quick_profile))
    p.wait_for("oe>", "quick | 2 sources | pool idle")  # capture-pane trims trailing spaces
    p.type("set sources.clock_jitter.weight 2")
    p.keys("Enter")
    p.wait_for("sources.clock_jitter.weight = 2.0", "quick* |")
    p.type("sho")
    p.keys("Tab")  # completion runs in the background: wait for it before typing on
    p.wait_until(lambda screen: "oe> show" in [line.rstrip() for line in screen.splitlines()], "'sho' completed")
    p.type(" pool.mo")
    p.keys("Tab")
    p.wait_for("oe> show pool.mode")
    p.keys("Enter")
    p.wait_for("sha256")
    p.type("set pool.mode fastest")
    p.keys("Enter")
    p.wait_for("error: quick: pool.mode: Input should be 'sha256', 'full_entropy' or 'drbg'")
    p.type("run --rounds 2")
    p.keys("Enter")
    p.wait_for("run quick: 2 rounds, 512 bytes out", "health 2/2 |", "out 512 B")
    # an endless run, cancelled by Ctrl-C after its round; the prompt comes back
    p.type("unset run.rounds")
    p.keys("Enter")
    p.type("set run.interval 50ms")
    p.keys("Enter")
    p.wait_for("run.interval = 0.05")
    p.type("run")
    p.keys("Enter")
    # the live toolbar: the run's progress and the pool's figures, redrawn while it runs
    first = p.wait_for(" quick: round", "Ctrl-C cancels", "| out ")
    p.wait_until(lambda screen: out_bytes(screen) > out_bytes(first), "the toolbar's output count to grow")
    p.type("show na")  # typed ahead: kept on the line above the toolbar
    p.wait_for("next> show na")
    p.keys("C-c")  # one Ctrl-C: the round finishes, the sinks close, the typed line is dropped
    screen = p.wait_for("(interrupted)")
    assert "next>" not in screen
    # a line typed (and entered) during a finite run runs after it
    p.type("run --rounds 30")
    p.keys("Enter")
    p.wait_for(" quick: round")
    p.type("show run.interval")
    p.keys("Enter")
    p.wait_for("queued: show run.interval")
    p.wait_for("run quick: 30 rounds", "oe> show run.interval\n0.05")
    p.type(f"save {tmp_path / 'mine.yaml'}")
    p.keys("Enter")
    p.wait_for("saved quick to")
    p.keys("C-d")
    p.wait_for("EXITED=0")
    saved = (tmp_path / "mine.yaml").read_text()
    assert "interval: 50ms" in saved and "weight: 2\n" in saved  # as typed
    assert "set sources.clock_jitter.weight 2" in (data_home / "openentropy" / "history").read_text()


def test_monitor_on_a_terminal(pane, quick_profile):
    p = pane("monitor", str(quick_profile), "--interval", "0.2")
    screen = p.wait_for("oe monitor: quick", "clock_jitter", "os_random", "healthy 2/2", "q quit")
    assert "min-entropy history" in screen  # 110 columns: room for the sparkline
    p.keys("s")
    p.wait_for("sort: health")
    p.keys("?")
    p.wait_for("cycle the sort column")
    p.keys("q")
    p.wait_for("EXITED=0")
