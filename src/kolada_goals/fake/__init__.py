"""A fake Kolada v3 API for tests, benchmarks and offline runs.

It serves a folder laid out like kolada-samples, or SYNTHETIC values from a deterministic
generator, with faults injected by configuration.
"""

from kolada_goals.fake.app import create_app
from kolada_goals.fake.dataset import FakeDataset, load_folder
from kolada_goals.fake.faults import Fault, FaultPlan
from kolada_goals.fake.server import serve, serve_in_thread
from kolada_goals.fake.synthetic import synthetic_dataset

__all__ = [
    "FakeDataset",
    "Fault",
    "FaultPlan",
    "create_app",
    "load_folder",
    "serve",
    "serve_in_thread",
    "synthetic_dataset",
]
