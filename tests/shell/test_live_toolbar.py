"""The live toolbar around a running command (pipe input, dummy output): it starts only
for slow commands, keeps command output in order, keeps type-ahead, and turns the
Ctrl-C key into SIGINT for the main thread."""

import asyncio
import signal
import threading
import time

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from openentropy.shell import activity
from openentropy.shell.console import can_redraw
from openentropy.shell.live_toolbar import END_OF_INPUT, START_DELAY_S, LiveToolbar, TypeAhead
from openentropy.shell.routed_output import Outbox, RoutedStream


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.01)


def started(live: LiveToolbar) -> bool:
    return live._app is not None and live._app.is_running and live._loop is not None


@pytest.fixture
def pipe():
    with create_pipe_input() as p:
        yield p


def test_a_quick_command_never_starts_the_app_and_writes_directly(pipe, capsys):
    typed = TypeAhead()
    with LiveToolbar("show name", lambda: "toolbar", typed, input=pipe, output=DummyOutput()) as live:
        print("quick output")
        assert capsys.readouterr().out == "quick output\n"  # written at once: no app yet
    assert live._app is None and typed.lines == [] and typed.partial == ""


def test_a_slow_command_gets_the_app_its_output_in_order_and_its_typeahead(pipe, capsys):
    import sys

    typed = TypeAhead(partial="")
    with LiveToolbar("run", lambda: "quick | health 2/2", typed, input=pipe, output=DummyOutput()) as live:
        wait_until(lambda: started(live))
        assert isinstance(sys.stdout, RoutedStream) and not can_redraw(sys.stdout)
        for i in range(200):
            print(f"line {i}")
            print(f"err {i}", file=sys.stderr)
        print("no newline yet", end="")
        activity.report("quick: round 3, 768 bytes, 0.6 s, 1.2 KiB/s")
        pipe.send_text("show name\rhea")
        wait_until(lambda: live._buffer.text == "hea")
        assert "quick: round 3" in live._progress_text() and "Ctrl-C cancels" in live._progress_text()
        assert live._queued_text() == "queued: show name"
    captured = capsys.readouterr()
    assert captured.out == "".join(f"line {i}\n" for i in range(200)) + "no newline yet"
    assert captured.err == "".join(f"err {i}\n" for i in range(200))
    assert typed.lines == ["show name"] and typed.partial == "hea"
    assert activity.current() == ""  # cleared for the next command
    assert not live._app.is_running


def test_the_app_starts_from_the_unfinished_line_and_ctrl_d_queues_the_end(pipe):
    typed = TypeAhead(lines=["load fast"], partial="he")
    with LiveToolbar("bench", lambda: "", typed, input=pipe, output=DummyOutput()) as live:
        wait_until(lambda: started(live))
        pipe.send_text("lp\r\x04")
        wait_until(lambda: len(typed.lines) == 3)
    assert typed.lines == ["load fast", "help", END_OF_INPUT] and typed.partial == ""


def test_ctrl_c_key_interrupts_the_main_thread_and_drops_the_typeahead(pipe):
    signal.signal(signal.SIGINT, signal.default_int_handler)
    typed = TypeAhead(lines=["show name"])
    with pytest.raises(KeyboardInterrupt):
        with LiveToolbar("probe", lambda: "", typed, input=pipe, output=DummyOutput()) as live:
            wait_until(lambda: started(live))
            pipe.send_text("ab\x03")
            time.sleep(30)  # a long command; SIGINT ends it
    assert typed.lines == [] and typed.partial == ""
    assert not live._thread.is_alive()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_a_usable_terminal_the_command_runs_plainly(capsys):
    class Broken:
        def __getattr__(self, name):
            raise OSError("no terminal")

    typed = TypeAhead()
    with LiveToolbar("run", lambda: "", typed, input=Broken(), output=DummyOutput()):
        time.sleep(START_DELAY_S + 0.3)
        print("still here")
    assert capsys.readouterr().out == "still here\n"


def test_outbox_writes_through_the_loop_keeps_order_and_waits_when_far_behind(monkeypatch, capsys):
    import io

    import openentropy.shell.routed_output as routed

    monkeypatch.setattr(routed, "MAX_PENDING", 100)
    target = io.StringIO()
    outbox = Outbox()
    loop = asyncio.new_event_loop()
    writes = []

    def fake_run_in_terminal(func, in_executor=False):
        writes.append(1)
        func()
        future = loop.create_future()
        future.set_result(None)
        return future

    monkeypatch.setattr("prompt_toolkit.application.run_in_terminal", fake_run_in_terminal)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        loop.call_soon_threadsafe(outbox.attach, loop)
        wait_until(lambda: outbox._loop is loop)
        stream = RoutedStream(target, outbox)
        for i in range(50):
            stream.write(f"{i:03d} {'x' * 40}\n")  # 45 characters a line: waits past 100 pending
            assert outbox._pending <= 100 + 45
        asyncio.run_coroutine_threadsafe(outbox.detach(), loop).result(5)
        assert outbox._loop is None
        stream.write("direct\n")
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
    lines = target.getvalue().splitlines()
    assert lines[:50] == [f"{i:03d} {'x' * 40}" for i in range(50)] and lines[50:] == ["direct"]
    assert writes  # the loop did the writing


def test_a_closed_loop_falls_back_to_direct_writes():
    import io

    target = io.StringIO()
    outbox = Outbox()
    loop = asyncio.new_event_loop()
    outbox.attach(loop)
    loop.close()
    RoutedStream(target, outbox).write("kept\n")
    assert target.getvalue() == "kept\n"


def test_routed_stream_behaves_like_a_text_stream_for_click_and_sinks(capsys):
    import sys

    import click

    outbox = Outbox()
    stream = RoutedStream(sys.stdout, outbox)
    with pytest.raises(TypeError):
        stream.write(b"")  # click probes for binary streams this way
    click.echo("via click", file=stream)
    stream.buffer.write(b"ab12\n")
    stream.flush()
    assert capsys.readouterr().out == "via click\nab12\n"
    assert stream.encoding and stream.line_oriented


def test_the_app_draws_on_the_real_stream_not_the_routed_one(pipe):
    import sys

    with LiveToolbar("x", lambda: "", TypeAhead(), input=pipe) as live:
        output = live.io["output"]  # made before sys.stdout was routed
        assert isinstance(sys.stdout, RoutedStream)
        assert output.stdout is not sys.stdout and not isinstance(output.stdout, RoutedStream)


def test_keys_typed_after_a_graceful_ctrl_c_are_kept(pipe):
    from openentropy.shell.run_command import graceful_sigint

    stop = threading.Event()
    typed = TypeAhead(lines=["typed before"])
    with graceful_sigint(stop):  # as 'run' does: the first Ctrl-C only asks it to stop
        with LiveToolbar("run", lambda: "", typed, input=pipe, output=DummyOutput()) as live:
            wait_until(lambda: started(live))
            pipe.send_text("\x03")
            wait_until(stop.is_set)
            pipe.send_text("show name\r")  # typed while the round finishes
            wait_until(lambda: typed.lines == ["show name"])
    assert live.interrupted_by_key and typed.lines == ["show name"]
