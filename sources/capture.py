"""audio_noise and camera_noise: low bits of a microphone's and a camera sensor's noise.

Both sources capture a short buffer from a device, extract integers from it and keep
their low bits:

    audio:  S16_LE PCM bytes -> int16 frames (``pcm_frames``)
    camera: raw frame bytes  -> 8-bit luma   (``frame_luma``: GREY, YUYV, UYVY)
    both:   values -> the low ``lsb_bits`` bits of each value, packed MSB-first into
            bytes (``pack_low_bits``); raw samples are those bytes (uint8)

A signal whose values are all equal (a muted input, a camera with a black-level
clamp) has no noise to give: collect raises ``SourceUnavailableError`` saying so
rather than returning the constant.

Capture is a thin layer over the pure functions. Audio runs ``arecord`` (alsa-utils)
or, without it, libasound.so.2 through ctypes in non-blocking mode. Camera runs
``ffmpeg`` when installed, else V4L2 read() I/O on the device (QUERYCAP and G_FMT
through ioctl, then select()+read() per frame). Every wait has a timeout taken from
the deadline; a capture still running at the deadline is killed and what arrived is
kept. Device roots and names are Params so tests point them at fixtures.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import math
import os
import select
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from openentropy.errors import SourceUnavailableError

from .base import AVAILABLE, Availability, Category, EntropySource, SourceInfo, SourceParams, unavailable

CAPTURE_STAGES = ({"type": "raw"},)

# ---- pure parsing and extraction --------------------------------------------------------


def capture_devices(pcm_text: str) -> list[str]:
    """ALSA names (``plughw:C,D``) of the capture PCMs listed in ``/proc/asound/pcm``.

    Lines look like ``00-00: ALC3246 Analog : ALC3246 Analog : playback 1 : capture 1``.
    ``plughw`` lets ALSA convert rate/format when the hardware lacks S16_LE mono.
    """
    devices = []
    for line in pcm_text.splitlines():
        ident, _, rest = line.partition(":")
        card, dash, device = ident.strip().partition("-")
        if dash and card.isdigit() and device.isdigit() and any(
            part.strip().startswith("capture") for part in rest.split(":")
        ):
            devices.append(f"plughw:{int(card)},{int(device)}")
    return devices


def pcm_frames(buffer: bytes) -> np.ndarray:
    """S16_LE samples as int16 (interleaved channels stay interleaved; a stray odd byte is dropped)."""
    return np.frombuffer(buffer[: len(buffer) // 2 * 2], dtype="<i2").astype(np.int16)


def frame_luma(frame: bytes, pixel_format: str) -> np.ndarray:
    """The 8-bit luma (brightness) bytes of a raw frame as uint8.

    GREY is all luma; YUYV is Y0 U Y1 V (luma at even bytes), UYVY is U Y0 V Y1 (odd
    bytes). Compressed formats (MJPG, H264) have no raw pixels: ValueError.
    """
    data = np.frombuffer(frame, dtype=np.uint8)
    if pixel_format == "GREY":
        return data.copy()
    if pixel_format == "YUYV":
        return data[0::2].copy()
    if pixel_format == "UYVY":
        return data[1::2].copy()
    raise ValueError(f"pixel format {pixel_format!r} has no raw luma (supported: GREY, YUYV, UYVY)")


def pack_low_bits(values: np.ndarray, bits: int) -> np.ndarray:
    """The low ``bits`` bits of every value, MSB-first per value, packed into uint8 bytes.

    ``bits=8`` is each value's low byte. Otherwise value i contributes bits
    ``bits-1 .. 0`` in order and a partial final byte is dropped: 8 values of 2 bits
    make 2 bytes. Negative values use their two's complement low bits.
    """
    if not 1 <= bits <= 8:
        raise ValueError(f"bits must be 1..8, got {bits}")
    low = np.asarray(values).astype(np.int64) & ((1 << bits) - 1)
    if bits == 8:
        return low.astype(np.uint8)
    planes = (low[:, None] >> np.arange(bits - 1, -1, -1)) & 1
    flat = planes.reshape(-1).astype(np.uint8)
    return np.packbits(flat[: len(flat) // 8 * 8])


def values_needed(n: int, bits: int) -> int:
    """Values (PCM frames, pixels) to capture for ``n`` packed output bytes."""
    return math.ceil(n * 8 / bits)


def extract(values: np.ndarray, bits: int, n: int, what: str) -> np.ndarray:
    """``pack_low_bits`` capped at ``n``, refusing a constant signal (see the module docstring)."""
    if len(values) > 1 and (values == values[0]).all():
        raise SourceUnavailableError(f"{what} returned a constant signal ({int(values[0])} everywhere): no noise to take")
    return pack_low_bits(values, bits)[:n]


# ---- V4L2 structures (linux/videodev2.h, x86-64 and other LP64 ABIs) ------------------------

V4L2_CAP_VIDEO_CAPTURE = 0x00000001
V4L2_CAP_READWRITE = 0x01000000
V4L2_CAP_DEVICE_CAPS = 0x80000000
V4L2_BUF_TYPE_VIDEO_CAPTURE = 1
_CAPABILITY_SIZE = 104  # driver[16] card[32] bus_info[32] version capabilities device_caps reserved[3]
_FORMAT_SIZE = 208  # u32 type, 4 bytes padding, 200-byte union (pointer-aligned)


def _ioc(direction: int, number: int, size: int) -> int:
    """_IOC('V', number, size) with direction 2 = read (_IOR), 3 = read/write (_IOWR)."""
    return (direction << 30) | (size << 16) | (ord("V") << 8) | number


VIDIOC_QUERYCAP = _ioc(2, 0, _CAPABILITY_SIZE)
VIDIOC_G_FMT = _ioc(3, 4, _FORMAT_SIZE)


def parse_capability(buffer: bytes) -> tuple[str, int]:
    """``struct v4l2_capability`` -> (card name, capabilities of this device node)."""
    card = buffer[16:48].split(b"\0", 1)[0].decode("utf-8", "replace")
    capabilities, device_caps = struct.unpack_from("<II", buffer, 84)
    return card, device_caps if capabilities & V4L2_CAP_DEVICE_CAPS else capabilities


def parse_pix_format(buffer: bytes) -> tuple[int, int, str, int]:
    """``struct v4l2_format`` (video capture) -> (width, height, fourcc, sizeimage)."""
    width, height, fourcc, _field, _bytesperline, sizeimage = struct.unpack_from("<6I", buffer, 8)
    return width, height, fourcc.to_bytes(4, "little").decode("ascii", "replace"), sizeimage


# ---- capture helpers --------------------------------------------------------------------------


def run_capture(command: list[str], nbytes: int, deadline_ns: int) -> bytes:
    """Run ``command`` and read up to ``nbytes`` of its stdout before the deadline.

    The process runs in its own session; the session is killed once enough arrived or
    at the deadline, and the process is always reaped.
    A process that exits with an error before giving any data raises OSError with its
    stderr.
    """
    chunks: list[bytes] = []
    got = 0
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    ) as proc:
        try:
            out = proc.stdout.fileno()
            while got < nbytes:
                remaining = (deadline_ns - time.monotonic_ns()) / 1e9
                if remaining <= 0 or not select.select([out], [], [], remaining)[0]:
                    break
                chunk = os.read(out, min(nbytes - got, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
        finally:
            if proc.poll() is None:
                proc.kill()
            try:  # the tool's own children (a wrapper script's) share its session: end them too
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                _, err = proc.communicate(timeout=1)
            except subprocess.TimeoutExpired:  # a grandchild that left the session holds the pipes
                proc.wait(timeout=1)
                err = b""
        if not chunks and proc.returncode not in (0, -9):
            message = err.decode("utf-8", "replace").strip().splitlines()
            raise OSError(errno.EIO, f"{command[0]} failed ({proc.returncode}): {message[-1] if message else 'no output'}")
    return b"".join(chunks)


def _load_libasound() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libasound.so.2")
    except OSError:
        return None


def alsa_capture(device: str, rate: int, frames: int, deadline_ns: int) -> bytes:
    """Up to ``frames`` mono S16_LE frames from ALSA ``device`` through libasound (ctypes).

    Non-blocking: snd_pcm_wait is given the time left, so the deadline holds.
    """
    lib = _load_libasound()
    if lib is None:
        raise SourceUnavailableError("libasound.so.2 is not installed")
    lib.snd_strerror.restype = ctypes.c_char_p
    lib.snd_pcm_readi.restype = ctypes.c_long
    lib.snd_pcm_readi.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong]
    pcm = ctypes.c_void_p()
    capture, nonblock, s16_le, rw_interleaved = 1, 1, 2, 3  # from alsa/pcm.h
    code = lib.snd_pcm_open(ctypes.byref(pcm), device.encode(), capture, nonblock)
    if code < 0:
        raise OSError(-code, f"snd_pcm_open({device}): {lib.snd_strerror(code).decode()}")
    try:
        code = lib.snd_pcm_set_params(pcm, s16_le, rw_interleaved, 1, rate, 1, 100_000)
        if code < 0:
            raise OSError(-code, f"snd_pcm_set_params({device}): {lib.snd_strerror(code).decode()}")
        buffer = (ctypes.c_int16 * frames)()
        got = 0
        while got < frames:
            remaining_ms = (deadline_ns - time.monotonic_ns()) // 1_000_000
            if remaining_ms <= 0:
                break
            read = lib.snd_pcm_readi(pcm, ctypes.byref(buffer, 2 * got), frames - got)
            if read == -errno.EAGAIN:
                lib.snd_pcm_wait(pcm, int(min(remaining_ms, 1000)))
            elif read < 0:
                if lib.snd_pcm_recover(pcm, int(read), 1) < 0:  # overrun (-EPIPE) or suspend
                    raise OSError(int(-read), f"snd_pcm_readi({device}): {lib.snd_strerror(int(read)).decode()}")
            else:
                got += read
        return bytes(buffer)[: 2 * got]
    finally:
        lib.snd_pcm_close(pcm)


def v4l2_read_frames(device: str, pixels: int, deadline_ns: int) -> tuple[np.ndarray, str]:
    """Luma of frames read with V4L2 read() I/O until ``pixels`` values or the deadline."""
    fd = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fmt = bytearray(_FORMAT_SIZE)
        struct.pack_into("<I", fmt, 0, V4L2_BUF_TYPE_VIDEO_CAPTURE)
        fcntl.ioctl(fd, VIDIOC_G_FMT, fmt)
        _, _, fourcc, sizeimage = parse_pix_format(bytes(fmt))
        lumas: list[np.ndarray] = []
        got = 0
        while got < pixels:
            remaining = (deadline_ns - time.monotonic_ns()) / 1e9
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                break
            try:
                frame = os.read(fd, sizeimage)
            except BlockingIOError:
                continue
            luma = frame_luma(frame, fourcc)
            lumas.append(luma)
            got += len(luma)
        return (np.concatenate(lumas) if lumas else np.empty(0, dtype=np.uint8)), fourcc
    finally:
        os.close(fd)


def v4l2_probe(device: str) -> tuple[str, str]:
    """(card name, problem) for ``device`` via QUERYCAP/G_FMT; problem is "" when read() I/O works."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        return "", f"cannot open {device}: {error.strerror}"
    try:
        cap = bytearray(_CAPABILITY_SIZE)
        try:
            fcntl.ioctl(fd, VIDIOC_QUERYCAP, cap)
        except OSError:
            return "", f"{device} is not a V4L2 device (VIDIOC_QUERYCAP failed)"
        card, caps = parse_capability(bytes(cap))
        if not caps & V4L2_CAP_VIDEO_CAPTURE:
            return card, f"{device} ({card}) is not a video capture device"
        if not caps & V4L2_CAP_READWRITE:
            return card, f"{device} ({card}) supports only streaming I/O, not read(); install ffmpeg"
        fmt = bytearray(_FORMAT_SIZE)
        struct.pack_into("<I", fmt, 0, V4L2_BUF_TYPE_VIDEO_CAPTURE)
        fcntl.ioctl(fd, VIDIOC_G_FMT, fmt)
        fourcc = parse_pix_format(bytes(fmt))[2]
        if fourcc not in ("GREY", "YUYV", "UYVY"):
            return card, f"{device} ({card}) delivers {fourcc}, not raw GREY/YUYV/UYVY; install ffmpeg"
        return card, ""
    finally:
        os.close(fd)


# ---- sources ----------------------------------------------------------------------------------


class AudioParams(SourceParams):
    asound_root: str = "/proc/asound"
    #: ALSA PCM name; None = the first capture PCM in /proc/asound/pcm, as plughw:C,D.
    device: str | None = None
    rate: int = Field(48_000, ge=8_000, le=192_000)
    #: Low bits kept per frame. A quiet input's noise spans ~3-6 bits of a 16-bit ADC.
    lsb_bits: int = Field(4, ge=1, le=8)
    backend: Literal["auto", "arecord", "alsa"] = "auto"


class AudioNoise(EntropySource):
    info = SourceInfo(
        name="audio_noise",
        description="Low bits of a microphone input's noise floor (ALSA capture)",
        physics=(
            "With no sound present, an audio ADC still digitises the thermal "
            "(Johnson-Nyquist) noise of the microphone and its input resistors, the "
            "shot and flicker noise of the preamplifier's transistors and the "
            "converter's own quantisation noise. At typical gains this noise spans the "
            "lowest few bits of each 16-bit frame and is independent from frame to "
            "frame at audio sample rates, so the low bits are physically unpredictable."
        ),
        category=Category.HARDWARE,
        platforms=("linux",),
        requirements=("ALSA capture device", "arecord (alsa-utils) or libasound.so.2"),
        entropy_rate_estimate=1.0e5,
    )
    Params = AudioParams
    default_stages = CAPTURE_STAGES

    def _backend(self) -> tuple[str, str]:
        """(backend, problem): the capture path to use, or "" and why none works."""
        wanted = self.params.backend
        if wanted in ("auto", "arecord") and shutil.which("arecord"):
            return "arecord", ""
        if wanted in ("auto", "alsa") and _load_libasound() is not None:
            return "alsa", ""
        needs = {"arecord": "arecord (alsa-utils)", "alsa": "libasound.so.2"}.get(
            wanted, "arecord (alsa-utils) or libasound.so.2"
        )
        return "", f"no capture tool: install {needs}"

    def _device(self) -> tuple[str, str]:
        """(ALSA device, problem) from /proc/asound/pcm."""
        pcm = Path(self.params.asound_root) / "pcm"
        try:
            devices = capture_devices(pcm.read_text())
        except FileNotFoundError:
            return "", f"no {pcm} (no ALSA sound card)"
        except OSError as error:
            return "", f"cannot read {pcm}: {error.strerror}"
        if not devices:
            return "", f"no ALSA capture device ({pcm} lists none)"
        return self.params.device or devices[0], ""

    def available(self) -> Availability:
        problem = self._device()[1] or self._backend()[1]
        return unavailable(problem) if problem else AVAILABLE

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        device, problem = self._device()
        backend, problem = self._backend() if not problem else ("", problem)
        if problem:
            raise SourceUnavailableError(f"{self.name}: {problem}")
        frames = values_needed(n, self.params.lsb_bits)
        if backend == "arecord":
            command = ["arecord", "-q", "-D", device, "-t", "raw", "-f", "S16_LE", "-c", "1",
                       "-r", str(self.params.rate), "-s", str(frames)]  # fmt: skip
            raw = run_capture(command, 2 * frames, deadline_ns)
        else:
            raw = alsa_capture(device, self.params.rate, frames, deadline_ns)
        return extract(pcm_frames(raw), self.params.lsb_bits, n, f"capture from {device}")


class CameraParams(SourceParams):
    dev_root: str = "/dev"
    #: V4L2 device path; None = the first video* node under dev_root.
    device: str | None = None
    #: Low bits kept per pixel. Dark-frame read noise is ~1-3 counts of 8-bit luma.
    lsb_bits: int = Field(2, ge=1, le=8)
    backend: Literal["auto", "ffmpeg", "read"] = "auto"


class CameraNoise(EntropySource):
    info = SourceInfo(
        name="camera_noise",
        description="Low bits of camera sensor pixels in dark frames (V4L2)",
        physics=(
            "Each pixel of a CMOS or CCD sensor collects dark current, electrons "
            "thermally excited across the silicon band gap at random (shot noise), "
            "and its readout adds the reset (kTC) and amplifier noise of the column "
            "circuits. In a dark or covered frame these dominate the pixel values, so "
            "the least significant bits of every pixel change unpredictably from frame "
            "to frame; fixed-pattern offsets remain and are left to the estimators."
        ),
        category=Category.HARDWARE,
        platforms=("linux",),
        requirements=("V4L2 camera (/dev/video*)", "ffmpeg, or a device with read() I/O"),
        entropy_rate_estimate=1.0e6,
    )
    Params = CameraParams
    default_stages = CAPTURE_STAGES

    def _device(self) -> tuple[str, str]:
        if self.params.device is not None:
            exists = Path(self.params.device).exists()
            return (self.params.device, "") if exists else ("", f"no {self.params.device} (camera not present)")
        nodes = sorted(Path(self.params.dev_root).glob("video*"), key=lambda p: (len(p.name), p.name))
        if not nodes:
            return "", f"no V4L2 camera (no {Path(self.params.dev_root) / 'video*'})"
        return str(nodes[0]), ""

    def _backend(self, device: str) -> tuple[str, str]:
        wanted = self.params.backend
        if wanted in ("auto", "ffmpeg") and shutil.which("ffmpeg"):
            return "ffmpeg", ""
        if wanted == "ffmpeg":
            return "", "ffmpeg is not installed"
        problem = v4l2_probe(device)[1]
        return ("read", "") if not problem else ("", problem)

    def available(self) -> Availability:
        device, problem = self._device()
        problem = problem or self._backend(device)[1]
        return unavailable(problem) if problem else AVAILABLE

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        device, problem = self._device()
        backend, problem = self._backend(device) if not problem else ("", problem)
        if problem:
            raise SourceUnavailableError(f"{self.name}: {problem}")
        pixels = values_needed(n, self.params.lsb_bits)
        if backend == "ffmpeg":
            command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "v4l2", "-i", device,
                       "-frames:v", "1000", "-f", "rawvideo", "-pix_fmt", "gray", "-"]  # fmt: skip
            luma = np.frombuffer(run_capture(command, pixels, deadline_ns), dtype=np.uint8)
        else:
            luma = v4l2_read_frames(device, pixels, deadline_ns)[0]
        return extract(luma, self.params.lsb_bits, n, f"frames from {device}")


__all__ = [
    "AudioNoise",
    "CameraNoise",
    "capture_devices",
    "frame_luma",
    "pack_low_bits",
    "parse_capability",
    "parse_pix_format",
    "pcm_frames",
]
