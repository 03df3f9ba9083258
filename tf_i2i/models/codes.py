"""Codes of the multimodal models (SPADE's VAE z, MUNIT's style codes, DRIT's attribute codes):
random ones from their N(0, I) prior for diverse outputs, and the straight path between two (a
reference's code comes from the model's encoder), for the looks in between. Shared by the models'
training samples and tools/translate.py."""

from __future__ import annotations

import numpy as np


def sample_styles(count: int, z_dim: int, seed: int | None = None) -> np.ndarray:
    """float32 [count, z_dim] drawn from N(0, I), the prior the models' KL terms pull their encoders towards."""
    return np.random.default_rng(seed).standard_normal((count, z_dim)).astype(np.float32)


def interpolate_styles(z_a, z_b, steps: int) -> np.ndarray:
    """float32 [steps, z_dim] evenly spaced on the line from z_a to z_b ([z_dim] or [1, z_dim]),
    both ends included, so the first and last outputs are the two styles' own."""
    if steps < 2:
        raise ValueError(f"interpolation needs at least 2 steps (the two ends), got {steps}")
    z_a, z_b = (np.asarray(z, np.float32).reshape(-1) for z in (z_a, z_b))
    if z_a.shape != z_b.shape:
        raise ValueError(f"style codes of different sizes: {z_a.shape[0]} and {z_b.shape[0]}")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    return (1.0 - t) * z_a + t * z_b
