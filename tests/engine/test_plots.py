"""Every plot renders to PNG, labels its axes, and draws what its data says."""

import numpy as np
import pytest

from openentropy.engine import plots
from openentropy.engine.outcome import RoundResult, SourceRound, Status

RNG = np.random.default_rng(12)
UNIFORM = RNG.integers(0, 256, 100_000, dtype=np.uint8)


def rounds():
    return [
        RoundResult(i, 0.01, 1024, (
            SourceRound("clock_jitter", Status.OK, 100, 100, 0.01, credited_bits=300.0 + i),
            SourceRound("disk_io", Status.QUARANTINED if i == 2 else Status.OK, 100, 100, 0.01, credited_bits=0.0 if i == 2 else 50.0),
        ))
        for i in range(5)
    ]


CASES = {
    "byte_histogram": lambda: plots.byte_histogram(UNIFORM),
    "autocorrelation": lambda: plots.autocorrelation(UNIFORM),
    "min_entropy_bars": lambda: plots.min_entropy_bars(
        {"clock_jitter": {"estimate": 6.1, "declared": 7.0, "credited": 4.0}, "disk_io": {"estimate": 2.0, "declared": None, "credited": 1.0}}
    ),
    "health_over_time": lambda: plots.health_over_time(rounds()),
    "bit_bitmap": lambda: plots.bit_bitmap(UNIFORM),
    "p_value_histogram": lambda: plots.p_value_histogram(RNG.random(150)),
}


@pytest.mark.parametrize("name", CASES)
def test_renders_to_png_with_labelled_axes(name):
    figure = CASES[name]()
    data = plots.png(figure)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    ax = figure.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_histogram_flags_a_biased_source_and_not_a_uniform_one():
    assert "bins outside" in plots.byte_histogram(UNIFORM).axes[0].get_title()
    biased = np.concatenate([UNIFORM, np.zeros(5000, np.uint8)])
    heights = [p.get_height() for p in plots.byte_histogram(biased).axes[0].containers[0]]
    assert heights[0] == np.count_nonzero(biased == 0)
    title = plots.byte_histogram(biased).axes[0].get_title()
    assert int(title.split(", ")[1].split()[0]) >= 1


def test_autocorrelation_sees_a_repeating_pattern():
    periodic = np.tile(RNG.integers(0, 256, 8, dtype=np.uint8), 2000)
    bars = [p.get_height() for p in plots.autocorrelation(periodic, lags=16).axes[0].containers[0]]
    assert bars[7] > 0.99 and bars[15] > 0.99  # lags 8 and 16
    noise = [p.get_height() for p in plots.autocorrelation(UNIFORM).axes[0].containers[0]]
    assert max(abs(v) for v in noise) < 0.02  # 3/sqrt(1e5) = 0.0095; 0.02 is 6 sigma


def test_bitmap_and_p_values_show_their_data():
    image = plots.bit_bitmap(bytes([0xFF, 0x00] * 4096), width=16).axes[0].images[0].get_array()
    assert image.shape == (256, 16) and image[0].tolist() == [1] * 8 + [0] * 8
    bars = [p.get_height() for p in plots.p_value_histogram([0.005, 0.05, 0.95, 0.97]).axes[0].containers[0]]
    assert bars == [2, 0, 0, 0, 0, 0, 0, 0, 0, 2]


def test_health_marks_the_round_a_source_was_not_ok():
    ax = plots.health_over_time(rounds()).axes[0]
    marks = ax.collections[0].get_offsets()
    assert marks.tolist() == [[2.0, 0.0]] and [line.get_label() for line in ax.lines] == ["clock_jitter", "disk_io"]


def test_empty_input_is_a_clear_error():
    with pytest.raises(ValueError, match="no data to plot"):
        plots.byte_histogram(b"")
    with pytest.raises(ValueError, match="no rounds"):
        plots.health_over_time([])
    with pytest.raises(ValueError, match="1-D uint8"):
        plots.bit_bitmap(np.zeros(10, np.int64))
