"""Test-session settings shared by every test module."""

import os

# As the training scripts do (train_grpo.py): idle OpenMP threads sleep instead of spinning, which
# keeps small CPU matrix products (generation in the training tests) fast on a shared machine.
# Must run before torch is imported; pytest imports conftest.py before the test modules.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
