"""hwmon_sensors and wifi_rssi: parsing on fixtures, the collect loop, the reasons given."""

import shutil
import time
import types
from pathlib import Path

import numpy as np
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources import sensors
from openentropy.sources.sensors import (
    HwmonSensors,
    WifiRssi,
    find_sensor_files,
    parse_reading,
    parse_wireless,
    read_readings,
    sweep_deltas,
)

FIXTURES = Path(__file__).parent / "fixtures" / "hardware"


def _relative(paths, root):
    return [str(p.relative_to(root)) for p in paths]


# ---- pure functions -------------------------------------------------------------------


def test_find_sensor_files_takes_live_values_only():
    files = find_sensor_files(FIXTURES / "sys")
    assert _relative(files, FIXTURES / "sys") == [
        "class/hwmon/hwmon0/temp1_input",
        "class/hwmon/hwmon0/temp2_input",
        "class/hwmon/hwmon1/fan1_input",
        "class/hwmon/hwmon1/in0_input",
        "class/hwmon/hwmon1/power1_average",
        "class/hwmon/hwmon1/temp3_input",
        "class/thermal/thermal_zone0/temp",
        "class/thermal/thermal_zone1/temp",
    ]  # no labels, limits, alarms, names or cooling devices
    assert read_readings(files) == [47000, 45000, 1184, 1032, 12450000, -3500, 48000, 27800]


def test_find_sensor_files_reads_the_old_device_folder(tmp_path):
    old = tmp_path / "class" / "hwmon" / "hwmon0" / "device"
    old.mkdir(parents=True)
    (old / "temp1_input").write_text("30000\n")
    assert _relative(find_sensor_files(tmp_path), tmp_path) == ["class/hwmon/hwmon0/device/temp1_input"]


def test_parse_reading():
    assert parse_reading("47000\n") == 47000 and parse_reading(" -3500 ") == -3500
    with pytest.raises(ValueError):
        parse_reading("N/A\n")


def test_sweep_deltas_are_per_channel_changes_sweep_major():
    sweeps = np.array([[47000, 1184], [47125, 1184], [46875, 1190]])
    out = sweep_deltas(sweeps)
    assert out.dtype == np.uint64
    assert out.view(np.int64).tolist() == [125, 0, -250, 6]
    assert (out & 0xFF).tolist() == [125, 0, 0x06, 6]  # -250 wraps to ...0x06
    assert len(sweep_deltas(sweeps[:1])) == 0


def test_parse_wireless_reads_link_level_noise():
    text = (FIXTURES / "proc_net_wireless").read_text()
    assert parse_wireless(text) == {"wlp2s0": (58, -52, -256), "wlan1": (31, -79, -95)}
    assert parse_wireless((FIXTURES / "proc_net_wireless_empty").read_text()) == {}


# ---- hwmon_sensors ----------------------------------------------------------------------


def _hwmon(root, interval_s=0.0):
    return HwmonSensors(HwmonSensors.Params(sysfs_root=str(root), interval_s=interval_s))


def test_hwmon_collects_real_changes_from_a_sysfs_tree(tmp_path, monkeypatch):
    """The fixture tree is copied and a fake sleep 'updates the chip' between sweeps."""
    root = tmp_path / "sys"
    shutil.copytree(FIXTURES / "sys", root)
    temp = root / "class" / "hwmon" / "hwmon0" / "temp1_input"
    steps = iter([47125, 46875, 47000, 47250])

    def chip_updates(seconds):
        temp.write_text(f"{next(steps)}\n")

    monkeypatch.setattr(sensors, "time", types.SimpleNamespace(monotonic_ns=time.monotonic_ns, sleep=chip_updates))
    data = _hwmon(root, interval_s=0.01).collect(32, time.monotonic_ns() + 10**9)
    assert data.dtype == np.uint64 and len(data) == 32  # 4 sweeps of changes x 8 channels
    changes = data.view(np.int64).reshape(4, 8)
    assert changes[:, 0].tolist() == [125, -250, 125, 250]
    assert (changes[:, 1:] == 0).all()


def test_hwmon_skips_unreadable_sensors(tmp_path):
    root = tmp_path / "sys"
    shutil.copytree(FIXTURES / "sys", root)
    (root / "class" / "hwmon" / "hwmon1" / "fan1_input").write_text("")  # like a read returning ENODATA
    assert len(_hwmon(root).readable_files()) == 7


def test_hwmon_stops_at_its_deadline():
    started = time.monotonic_ns()
    data = _hwmon(FIXTURES / "sys", interval_s=0.005).collect(10**9, started + 50_000_000)
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert 0 < len(data) < 10**9 and len(data) % 8 == 0 and elapsed < 0.25


def test_hwmon_unavailable_without_sensors():
    source = _hwmon(FIXTURES / "sys_empty")
    reason = source.available().reason
    assert reason.startswith(f"no hwmon or thermal sensors under {FIXTURES / 'sys_empty'}")
    with pytest.raises(SourceUnavailableError, match="no hwmon or thermal sensors"):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_hwmon_on_this_machine_agrees_with_sys():
    here = HwmonSensors()
    has_any = bool(list(Path("/sys/class/hwmon").glob("hwmon*/*_input"))) or bool(
        list(Path("/sys/class/thermal").glob("thermal_zone*/temp"))
    )
    assert bool(here.available()) == has_any
    if not has_any:
        assert "no hwmon or thermal sensors under /sys" in here.available().reason


# ---- wifi_rssi --------------------------------------------------------------------------


def _wifi(path, interface=None, interval_s=0.0):
    return WifiRssi(WifiRssi.Params(path=str(path), interface=interface, interval_s=interval_s))


def test_wifi_collects_changes_from_a_proc_file(tmp_path, monkeypatch):
    """A fake sleep plays the driver: each 'beacon' rewrites wlp2s0's signal level."""
    base = (FIXTURES / "proc_net_wireless").read_text()
    proc = tmp_path / "wireless"
    proc.write_text(base)
    levels = iter([-55, -49, -49])

    def beacon(seconds):
        proc.write_text(base.replace("-52.", f"{next(levels)}.", 1))

    monkeypatch.setattr(sensors, "time", types.SimpleNamespace(monotonic_ns=time.monotonic_ns, sleep=beacon))
    data = _wifi(proc, interface="wlp2s0", interval_s=0.01).collect(9, time.monotonic_ns() + 10**9)
    assert data.view(np.int64).reshape(3, 3).tolist() == [[0, -3, 0], [0, 6, 0], [0, 0, 0]]


def test_wifi_all_interfaces_by_default():
    data = _wifi(FIXTURES / "proc_net_wireless").collect(12, time.monotonic_ns() + 10**9)
    assert data.dtype == np.uint64 and len(data) == 12 and not data.any()  # a static file does not change


def test_wifi_stops_at_its_deadline():
    started = time.monotonic_ns()
    data = _wifi(FIXTURES / "proc_net_wireless", interval_s=0.005).collect(10**9, started + 50_000_000)
    assert 0 < len(data) < 10**9 and (time.monotonic_ns() - started) < 0.25e9


@pytest.mark.parametrize(
    ("path", "interface", "reason"),
    [
        ("does_not_exist", None, "no {path} (no wireless interface)"),
        ("proc_net_wireless_empty", None, "{path} lists no wireless interface"),
        ("proc_net_wireless", "wlan9", "interface 'wlan9' is not in {path} (found: wlan1, wlp2s0)"),
    ],
)
def test_wifi_unavailable_reasons(path, interface, reason):
    full = FIXTURES / path
    source = _wifi(full, interface=interface)
    assert source.available().reason == reason.format(path=full)
    with pytest.raises(SourceUnavailableError):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_wifi_on_this_machine_agrees_with_proc():
    proc = Path("/proc/net/wireless")
    availability = WifiRssi().available()
    if not proc.exists():
        assert availability.reason == "no /proc/net/wireless (no wireless interface)"
    else:
        assert bool(availability) == bool(parse_wireless(proc.read_text()))
