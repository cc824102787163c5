"""audio_noise and camera_noise: extraction on synthetic device data, capture through
stand-in tools on PATH, and the reasons given when the hardware is missing."""

import os
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources import capture
from openentropy.sources.capture import (
    AudioNoise,
    CameraNoise,
    capture_devices,
    extract,
    frame_luma,
    pack_low_bits,
    parse_capability,
    parse_pix_format,
    pcm_frames,
    values_needed,
)

FIXTURES = Path(__file__).parent / "fixtures" / "hardware"
PCM = (FIXTURES / "mic_s16le_mono.raw").read_bytes()
YUYV = (FIXTURES / "dark_yuyv_32x24.raw").read_bytes()


# ---- pure functions -------------------------------------------------------------------


def test_capture_devices_lists_capture_pcms_only():
    assert capture_devices((FIXTURES / "asound_capture" / "pcm").read_text()) == ["plughw:0,0"]
    assert capture_devices((FIXTURES / "asound_playback_only" / "pcm").read_text()) == []
    assert capture_devices("01-02: USB Audio : USB Audio : capture 1\n") == ["plughw:1,2"]


def test_pcm_frames_decodes_s16le():
    frames = pcm_frames(PCM)
    assert frames.dtype == np.int16 and len(frames) == 2048
    assert frames[:4].tolist() == [-6, -9, -1, -24]  # od -t d2 of the fixture
    assert abs(frames.mean() + 3) < 1.5 and 10 < frames.std() < 14  # the generator's N(-3, 12)
    assert len(pcm_frames(PCM[:5])) == 2  # a stray odd byte is dropped


def test_pack_low_bits():
    assert pack_low_bits(np.array([0x1FF, -1, 2], dtype=np.int16), 8).tolist() == [0xFF, 0xFF, 0x02]
    # 2 bits each, MSB first: 11 00 01 10 | 10 01 00 11
    values = np.array([3, 4, 5, 6, 2, 1, 0, 7])
    assert pack_low_bits(values, 2).tolist() == [0b11000110, 0b10010011]
    assert pack_low_bits(values, 3).tolist() == [0b01110010, 0b11100100, 0b01000111]
    assert len(pack_low_bits(values[:3], 2)) == 0  # 6 bits: no whole byte
    with pytest.raises(ValueError):
        pack_low_bits(values, 9)
    assert values_needed(3, 2) == 12 and values_needed(1, 3) == 3


def test_frame_luma_per_format():
    luma = frame_luma(YUYV, "YUYV")
    assert luma.dtype == np.uint8 and len(luma) == 32 * 24
    assert 14 < luma.mean() < 18 and len(np.unique(luma)) > 5  # dark frame: 16 + N(0, 2)
    assert (frame_luma(YUYV, "UYVY") == 128).all()  # read as UYVY, the luma slots hold chroma
    assert frame_luma(bytes([1, 2, 3]), "GREY").tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="'MJPG' has no raw luma"):
        frame_luma(YUYV, "MJPG")


def test_extract_refuses_a_constant_signal():
    with pytest.raises(SourceUnavailableError, match="constant signal"):
        extract(np.zeros(64, dtype=np.int16), 4, 10, "capture from hw:0,0")
    assert extract(pcm_frames(PCM), 4, 10, "x").tolist() == pack_low_bits(pcm_frames(PCM), 4)[:10].tolist()


def test_v4l2_struct_layouts():
    assert capture.VIDIOC_QUERYCAP == 0x80685600 and capture.VIDIOC_G_FMT == 0xC0D05604  # videodev2.h on LP64
    cap = bytearray(104)
    cap[0:6] = b"uvcvideo"[:6]
    cap[16:32] = b"Integrated Cam\0\0"
    struct.pack_into("<III", cap, 80, 0x060800, 0x84A00001, 0x04200001)
    assert parse_capability(bytes(cap)) == ("Integrated Cam", 0x04200001)  # device_caps, as CAP_DEVICE_CAPS is set
    struct.pack_into("<I", cap, 84, 0x01000001)
    assert parse_capability(bytes(cap))[1] == 0x01000001
    fmt = bytearray(208)
    struct.pack_into("<I", fmt, 0, 1)
    struct.pack_into("<6I", fmt, 8, 640, 480, int.from_bytes(b"YUYV", "little"), 1, 1280, 614400)
    assert parse_pix_format(bytes(fmt)) == (640, 480, "YUYV", 614400)


# ---- stand-in capture tools -----------------------------------------------------------------


@pytest.fixture
def tool_dir(tmp_path, monkeypatch):
    """A bin folder first on PATH; ``make(name, body)`` writes an executable shell script."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    def make(name, body):
        script = folder / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)

    return make


def _audio(**params):
    return AudioNoise(AudioNoise.Params(asound_root=str(FIXTURES / "asound_capture"), **params))


def test_audio_captures_through_arecord(tool_dir):
    tool_dir("arecord", f'exec cat "{FIXTURES / "mic_s16le_mono.raw"}"')
    source = _audio(backend="arecord")
    assert source.available()
    data = source.collect(500, time.monotonic_ns() + 2 * 10**9)
    assert data.dtype == np.uint8 and len(data) == 500
    assert data.tolist() == pack_low_bits(pcm_frames(PCM), 4)[:500].tolist()


def test_audio_stops_at_its_deadline_and_reaps_the_tool(tool_dir):
    tool_dir("arecord", "exec sleep 30")
    started = time.monotonic_ns()
    data = _audio(backend="arecord").collect(1000, started + 100_000_000)
    assert len(data) == 0 and (time.monotonic_ns() - started) < 0.3e9


def test_audio_tool_failure_is_an_error_with_its_message(tool_dir):
    tool_dir("arecord", 'echo "arecord: main:831: audio open error: Device or resource busy" >&2; exit 1')
    with pytest.raises(OSError, match="audio open error: Device or resource busy"):
        _audio(backend="arecord").collect(100, time.monotonic_ns() + 2 * 10**9)


def test_audio_muted_input_is_refused(tool_dir):
    tool_dir("arecord", "exec head -c 4096 /dev/zero")
    with pytest.raises(SourceUnavailableError, match="constant signal"):
        _audio(backend="arecord").collect(100, time.monotonic_ns() + 2 * 10**9)


def test_audio_alsa_backend_reports_a_missing_device():
    """libasound is installed here but there is no card: snd_pcm_open fails, cleanly."""
    source = _audio(backend="alsa", device="hw:97,0")
    if capture._load_libasound() is None:
        assert source.available().reason == "no capture tool: install libasound.so.2"
        return
    with pytest.raises(OSError, match=r"snd_pcm_open\(hw:97,0\)"):
        source.collect(100, time.monotonic_ns() + 10**9)


@pytest.mark.parametrize(
    ("root", "reason"),
    [
        ("no_such_asound", "no {root}/pcm (no ALSA sound card)"),
        ("asound_playback_only", "no ALSA capture device ({root}/pcm lists none)"),
    ],
)
def test_audio_unavailable_reasons(root, reason):
    full = FIXTURES / root
    source = AudioNoise(AudioNoise.Params(asound_root=str(full)))
    assert source.available().reason == reason.format(root=full)
    with pytest.raises(SourceUnavailableError):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_audio_without_arecord_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert _audio(backend="arecord").available().reason == "no capture tool: install arecord (alsa-utils)"


def test_audio_on_this_machine_agrees_with_proc_asound():
    reason = AudioNoise().available().reason
    pcm = Path("/proc/asound/pcm")
    if not pcm.exists():
        assert reason == "no /proc/asound/pcm (no ALSA sound card)"
    elif not capture_devices(pcm.read_text()):
        assert reason == "no ALSA capture device (/proc/asound/pcm lists none)"


# ---- camera -----------------------------------------------------------------------------------


def test_camera_captures_through_ffmpeg(tool_dir, tmp_path):
    gray = tmp_path / "gray.raw"
    gray.write_bytes(frame_luma(YUYV, "YUYV").tobytes() * 3)  # ffmpeg -pix_fmt gray: luma only
    device = tmp_path / "video0"
    device.touch()
    tool_dir("ffmpeg", f'exec cat "{gray}"')
    source = CameraNoise(CameraNoise.Params(device=str(device), backend="ffmpeg"))
    assert source.available()
    data = source.collect(300, time.monotonic_ns() + 2 * 10**9)
    expected = pack_low_bits(np.frombuffer(gray.read_bytes(), dtype=np.uint8), 2)[:300]
    assert data.dtype == np.uint8 and data.tolist() == expected.tolist()


def test_camera_picks_the_first_video_node(tmp_path):
    for name in ("video10", "video2", "media0"):
        (tmp_path / name).touch()
    source = CameraNoise(CameraNoise.Params(dev_root=str(tmp_path)))
    assert source._device() == (str(tmp_path / "video2"), "")


def test_camera_unavailable_reasons(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg
    empty = CameraNoise(CameraNoise.Params(dev_root=str(tmp_path)))
    assert empty.available().reason == f"no V4L2 camera (no {tmp_path / 'video*'})"
    with pytest.raises(SourceUnavailableError, match="no V4L2 camera"):
        empty.collect(10, time.monotonic_ns() + 10**8)

    not_v4l2 = CameraNoise(CameraNoise.Params(device=str(FIXTURES / "dark_yuyv_32x24.raw")))
    assert not_v4l2.available().reason.endswith("is not a V4L2 device (VIDIOC_QUERYCAP failed)")

    no_ffmpeg = CameraNoise(CameraNoise.Params(device=str(FIXTURES / "dark_yuyv_32x24.raw"), backend="ffmpeg"))
    assert no_ffmpeg.available().reason == "ffmpeg is not installed"

    missing = CameraNoise(CameraNoise.Params(device="/dev/video97"))
    assert missing.available().reason == "no /dev/video97 (camera not present)"


def test_camera_on_this_machine_agrees_with_dev():
    if not list(Path("/dev").glob("video*")):
        assert CameraNoise().available().reason == "no V4L2 camera (no /dev/video*)"
    else:
        assert CameraNoise().available().reason != "no V4L2 camera (no /dev/video*)"


def test_a_tool_whose_child_holds_the_pipe_still_returns(tool_dir):
    """sh (killed) leaves its 'sleep' child holding stdout: collect must not wait for it."""
    tool_dir("arecord", "sleep 30; true")
    started = time.monotonic_ns()
    assert len(_audio(backend="arecord").collect(100, started + 100_000_000)) == 0
    assert (time.monotonic_ns() - started) < 0.3e9
