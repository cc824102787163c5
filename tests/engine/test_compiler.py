"""The compiled dask graph: stable, readable keys and the expected dependencies."""

from dask.task_spec import DataNode, Task

from openentropy.engine.compiler import POOL_KEY, ROUND_KEY, compile_profile
from openentropy.engine.loader import load_profile_text

PROFILE = """\
name: shape
sources:
  - name: clock_jitter
  - name: os_random
    stages: [{type: raw}, {type: xor_fold}]
conditioning:
  - {type: sha256}
sinks:
  - {type: 'null'}
  - {type: file, path: /tmp/never-opened-by-compile.bin}
"""


def deps(node) -> set[str]:
    return set(node.dependencies)


def test_graph_keys_are_stable_and_readable():
    graph = compile_profile(load_profile_text(PROFILE))
    assert sorted(graph) == sorted(
        [
            "round",
            "collect/clock_jitter",
            "health/clock_jitter",
            "condition/clock_jitter/0/sha256",
            "collect/os_random",
            "stage/os_random/0/raw",
            "stage/os_random/1/xor_fold",
            "health/os_random",
            "condition/os_random/0/sha256",
            "pool",
        ]
    )
    assert sorted(compile_profile(load_profile_text(PROFILE))) == sorted(graph)


def test_graph_dependencies():
    graph = compile_profile(load_profile_text(PROFILE))
    assert isinstance(graph[ROUND_KEY], DataNode)
    assert all(isinstance(graph[k], Task) for k in graph if k != ROUND_KEY)
    assert deps(graph["collect/clock_jitter"]) == {"round"}
    # the canonical stages run inside health/<source>; a profile's own stages chain from collect
    assert deps(graph["health/clock_jitter"]) == {"collect/clock_jitter"}
    assert deps(graph["condition/clock_jitter/0/sha256"]) == {"health/clock_jitter"}
    assert deps(graph["health/os_random"]) == {"collect/os_random"}
    assert deps(graph["stage/os_random/0/raw"]) == {"collect/os_random"}
    # collect/<source>: the raw samples, handed to the round's observers (Harvest.observe)
    assert deps(graph[POOL_KEY]) == {"round", "health/clock_jitter", "condition/clock_jitter/0/sha256",
                                     "health/os_random", "condition/os_random/0/sha256",
                                     "collect/clock_jitter", "collect/os_random"}


def test_compiling_opens_no_sink(tmp_path):
    target = tmp_path / "out.bin"
    compile_profile(load_profile_text(PROFILE.replace("/tmp/never-opened-by-compile.bin", str(target))))
    assert not target.exists()


def test_health_tests_the_canonical_symbols_whatever_stages_a_profile_sets():
    text = "name: h\nsources: [{name: clock_jitter, stages: [{type: sha256}]}]\nsinks: [{type: 'null'}]\n"
    graph = compile_profile(load_profile_text(text))
    assert deps(graph["health/clock_jitter"]) == {"collect/clock_jitter"}
    assert deps(graph["stage/clock_jitter/0/sha256"]) == {"collect/clock_jitter"}
    assert deps(graph[POOL_KEY]) == {"round", "health/clock_jitter", "stage/clock_jitter/0/sha256",
                                     "collect/clock_jitter"}
