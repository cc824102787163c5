"""NIST reference results and their inputs, all from this repository.

``reference/`` holds what NIST's tools reported (sts-2.1.2_e.json,
ea_non_iid_u8_narrow.json, each with its provenance; see reference/README.md) and
``inputs.py``, which rebuilds the inputs they read. A rebuilt input must have the
SHA-256 its JSON records, or every test that uses it fails saying so.
"""

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from openentropy.pipelines.sp80022 import unpack_bits

REFERENCE = Path(__file__).resolve().parent / "reference"


def _load_inputs():
    spec = importlib.util.spec_from_file_location("nist_reference_inputs", REFERENCE / "inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


INPUTS = _load_inputs()


def _reference_json(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text())


def _checked(data: bytes, reference: dict) -> bytes:
    expected = reference["input"]
    digest = hashlib.sha256(data).hexdigest()
    assert digest == expected["sha256"], f"rebuilt {expected['file']} has SHA-256 {digest}, not the reference's"
    return data


@pytest.fixture(scope="session")
def nist_reference() -> dict:
    """sts-2.1.2's P-values on the first million bits of e."""
    return _reference_json("sts-2.1.2_e.json")


@pytest.fixture(scope="session")
def e_bits(nist_reference):
    """The first 1,000,000 bits of e, rebuilt and checked by SHA-256."""
    bits = unpack_bits(_checked(INPUTS.e_bytes(nist_reference["input"]["bits"]), nist_reference))
    assert bits.size == nist_reference["input"]["bits"]
    return bits


@pytest.fixture(scope="session")
def ea_reference() -> dict:
    """NIST ea_non_iid's results on u8_narrow.bin."""
    return _reference_json("ea_non_iid_u8_narrow.json")


@pytest.fixture(scope="session")
def u8_narrow(ea_reference) -> np.ndarray:
    """u8_narrow.bin's 1,000,000 samples, rebuilt and checked by SHA-256."""
    data = _checked(INPUTS.u8_narrow(ea_reference["input"]["samples"]), ea_reference)
    return np.frombuffer(data, dtype=np.uint8)
