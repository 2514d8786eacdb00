"""Shared paths for the pytest suite (run by CTest as python.pytest, with PYTHONPATH=build/python)."""
import os

import pytest

SOURCE_DIR = os.environ.get("CAJAL_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(SOURCE_DIR, "spec", "examples")


@pytest.fixture
def example():
    return lambda *parts: os.path.join(EXAMPLES, *parts)


@pytest.fixture
def cli():
    path = os.environ.get("CAJAL_CLI")
    if not path:
        pytest.skip("CAJAL_CLI is not set (CTest sets it to the built tool)")
    return path
