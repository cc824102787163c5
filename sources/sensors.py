"""hwmon_sensors and wifi_rssi: slowly sampled analogue readings whose low bits wander.

Both sources poll a kernel text interface, turn each poll ("sweep") into one integer
per channel, and emit, per channel, the change since the previous sweep:

    sweeps :: int64[s, k]      s polls of k channels, in a fixed channel order
    samples :: uint64[(s-1)*k] sweeps[i+1, j] - sweeps[i, j], sweep-major, as the
                               two's-complement uint64 of the signed change

A change of zero (the sensor did not update between polls) is kept: it is what the
device said, and the pool's estimate sees it. The default stage ``lsb`` keeps the low
byte of each change, where ADC noise and quantisation dither live.

The parsing (``find_sensor_files``, ``parse_reading``, ``parse_wireless``) and the
extraction (``sweep_deltas``) are pure functions; collect is a thin loop around them.
Paths are Params so tests point at fixtures. Every read opens, reads and closes its
file: sysfs and procfs regenerate the text on each open, and nothing stays open on
error or deadline. A sysfs read may block for as long as the driver's bus transfer
(I2C sensors: milliseconds); the loop checks the deadline before every sweep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pydantic import Field

from openentropy.errors import SourceUnavailableError

from .base import AVAILABLE, Availability, Category, EntropySource, SourceInfo, SourceParams, unavailable

#: hwmon attribute files that hold a live measurement (Documentation/hwmon/sysfs-interface.rst);
#: limits, alarms and labels (temp1_max, fan1_min, temp1_label) are constant and left out.
HWMON_PATTERNS = (
    "temp*_input",
    "in*_input",
    "curr*_input",
    "fan*_input",
    "power*_input",
    "power*_average",
    "energy*_input",
    "humidity*_input",
)
SENSOR_STAGES = ({"type": "lsb"},)


def find_sensor_files(sysfs_root: str | Path) -> list[Path]:
    """The live hwmon measurement files and thermal-zone temperatures under ``sysfs_root``.

    Sorted within each hwmon device and zone so the channel order is stable. Kernels
    before 3.15 kept a chip's attributes in ``hwmonN/device/``; both places are read.
    """
    root = Path(sysfs_root)
    files: list[Path] = []
    for device in sorted((root / "class" / "hwmon").glob("hwmon*")):
        for folder in (device, device / "device"):
            files += sorted({f for pattern in HWMON_PATTERNS for f in folder.glob(pattern) if f.is_file()})
    files += sorted((root / "class" / "thermal").glob("thermal_zone*/temp"))
    return files


def parse_reading(text: str) -> int:
    """One sysfs value: a signed decimal integer with optional whitespace (e.g. ``"47000\\n"``)."""
    return int(text.strip())


def read_readings(paths: Sequence[Path]) -> list[int]:
    """One sweep: every file read once, in order."""
    return [parse_reading(path.read_text()) for path in paths]


def sweep_deltas(sweeps: np.ndarray) -> np.ndarray:
    """Per-channel changes between consecutive sweeps, flattened sweep-major, as uint64.

    ``sweeps`` is ``int64[s, k]``; the result has ``(s-1)*k`` values (empty when s < 2).
    Negative changes wrap to their two's-complement uint64, so the low byte keeps them.
    """
    values = np.asarray(sweeps, dtype=np.int64)
    if values.ndim != 2 or len(values) < 2:
        return np.empty(0, dtype=np.uint64)
    return np.diff(values, axis=0).reshape(-1).view(np.uint64)


def parse_wireless(text: str) -> dict[str, tuple[int, int, int]]:
    """``/proc/net/wireless`` as ``{interface: (link, level, noise)}``.

    After two header lines, the kernel prints one line per interface
    (net/wireless/wext-proc.c): ``"wlan0: 0000   58.  -52.  -256  ..."``, where a
    trailing ``.`` marks a value updated since the last read.
    """
    found: dict[str, tuple[int, int, int]] = {}
    for line in text.splitlines()[2:]:
        name, colon, rest = line.partition(":")
        fields = rest.split()
        if not colon or len(fields) < 4:
            continue
        link, level, noise = (int(float(field.rstrip("."))) for field in fields[1:4])
        found[name.strip()] = (link, level, noise)
    return found


def _poll(
    read_sweep: Callable[[], list[int]], channels: int, n: int, deadline_ns: int, interval_s: float
) -> np.ndarray:
    """Sweep until ``n`` changes are known or the deadline, sleeping ``interval_s`` between sweeps."""
    wanted = math.ceil(n / channels) + 1 if n > 0 else 0
    sweeps: list[list[int]] = []
    while len(sweeps) < wanted:
        now = time.monotonic_ns()
        if now >= deadline_ns:
            break
        if sweeps and interval_s > 0:
            time.sleep(min(interval_s, (deadline_ns - now) / 1e9))
            if time.monotonic_ns() >= deadline_ns:
                break
        sweeps.append(read_sweep())
    return sweep_deltas(np.array(sweeps, dtype=np.int64).reshape(len(sweeps), channels))[:n]


class HwmonParams(SourceParams):
    sysfs_root: str = "/sys"
    #: Between sweeps. Chips refresh their registers every ~10 ms to ~1 s, so faster
    #: polling mostly adds zero changes; 10 ms still catches fast ADC updates.
    interval_s: float = Field(0.01, ge=0.0, le=10.0)


class HwmonSensors(EntropySource):
    info = SourceInfo(
        name="hwmon_sensors",
        description="Low bits of changing hwmon/thermal readings (temperatures, voltages, fans, power)",
        physics=(
            "Hardware-monitoring chips digitise temperatures, supply voltages, fan "
            "tachometers and currents with ADCs whose least significant bits are "
            "dominated by thermal (Johnson-Nyquist) noise in the sensing resistors and "
            "diodes, quantisation dither and supply ripple from the load's switching. "
            "Successive readings of the same channel therefore wander by a few counts "
            "in a way no software can predict, though the update rate is low and many "
            "sweeps see no change at all."
        ),
        category=Category.HARDWARE,
        platforms=("linux",),
        requirements=("/sys/class/hwmon or /sys/class/thermal sensors",),
        entropy_rate_estimate=50.0,
    )
    Params = HwmonParams
    default_stages = SENSOR_STAGES

    def _missing(self) -> str:
        root = self.params.sysfs_root.rstrip("/") or "/"
        return (
            f"no hwmon or thermal sensors under {root} (no class/hwmon/hwmon*/"
            "{temp,in,curr,fan,power,energy,humidity}*_input and no class/thermal/thermal_zone*/temp)"
        )

    def available(self) -> Availability:
        return AVAILABLE if find_sensor_files(self.params.sysfs_root) else unavailable(self._missing())

    def readable_files(self) -> list[Path]:
        """The sensor files that answer a first read (some report EIO/ENODATA when unwired)."""
        usable = []
        for path in find_sensor_files(self.params.sysfs_root):
            try:
                read_readings([path])
            except (OSError, ValueError):
                continue
            usable.append(path)
        return usable

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        files = self.readable_files()
        if not files:
            raise SourceUnavailableError(f"{self.name}: {self._missing()} or none of them is readable")
        return _poll(lambda: read_readings(files), len(files), n, deadline_ns, self.params.interval_s)


class WifiParams(SourceParams):
    path: str = "/proc/net/wireless"
    #: Only this interface; None means every interface listed.
    interface: str | None = None
    #: Drivers refresh link/level/noise per beacon (~102 ms) or per received frame.
    interval_s: float = Field(0.02, ge=0.0, le=10.0)


class WifiRssi(EntropySource):
    info = SourceInfo(
        name="wifi_rssi",
        description="Changes of WiFi link quality, signal level and noise from /proc/net/wireless",
        physics=(
            "The received signal strength of a WiFi link fluctuates with multipath "
            "fading: people moving, doors, air and the reflections around the antenna "
            "change how the paths add up, frame by frame. The radio's noise-floor "
            "estimate follows thermal noise in its front end and interference from "
            "other transmitters. Both are re-measured on every beacon, and their "
            "low-order changes are not predictable from software."
        ),
        category=Category.NETWORK,
        platforms=("linux",),
        requirements=("/proc/net/wireless with a wireless interface",),
        entropy_rate_estimate=20.0,
    )
    Params = WifiParams
    default_stages = SENSOR_STAGES

    def _read(self) -> dict[str, tuple[int, int, int]]:
        with open(self.params.path, encoding="ascii", errors="replace") as handle:
            return parse_wireless(handle.read())

    def _interfaces(self) -> tuple[list[str], str]:
        """The interfaces to sample, or [] and the reason there are none."""
        path = self.params.path
        try:
            found = self._read()
        except FileNotFoundError:
            return [], f"no {path} (no wireless interface)"
        except OSError as error:
            return [], f"cannot read {path}: {error.strerror}"
        if not found:
            return [], f"{path} lists no wireless interface"
        wanted = self.params.interface
        if wanted is None:
            return sorted(found), ""
        if wanted not in found:
            return [], f"interface '{wanted}' is not in {path} (found: {', '.join(sorted(found))})"
        return [wanted], ""

    def available(self) -> Availability:
        interfaces, reason = self._interfaces()
        return AVAILABLE if interfaces else unavailable(reason)

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        interfaces, reason = self._interfaces()
        if not interfaces:
            raise SourceUnavailableError(f"{self.name}: {reason}")

        def sweep() -> list[int]:
            found = self._read()
            missing = [name for name in interfaces if name not in found]
            if missing:
                raise SourceUnavailableError(f"{self.name}: interface {missing[0]} disappeared from {self.params.path}")
            return [value for name in interfaces for value in found[name]]

        return _poll(sweep, 3 * len(interfaces), n, deadline_ns, self.params.interval_s)


__all__ = [
    "HwmonSensors",
    "WifiRssi",
    "find_sensor_files",
    "parse_reading",
    "parse_wireless",
    "read_readings",
    "sweep_deltas",
]
