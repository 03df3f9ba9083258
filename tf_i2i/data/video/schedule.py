"""How many frames a training sequence has, and which frames are sampled (the official vid2vid rules).

Official code: BaseDataset.update_training_batch (the length doubles every niter_step epochs, here
train steps) and get_video_params (length clamped by the sequence, rounded to whole chunks, random
temporal stride and start). Pure functions of ints and a numpy Generator, so they are easy to check.
"""

from __future__ import annotations

import dataclasses

import numpy as np

MAX_LENGTH = 128  # the official cap on the frames of a training sequence


def scheduled_frames(step: int, n_frames_total: int, niter_step: int, longest: int, n_frames_G: int) -> int:
    """Frames to generate per sequence at train ``step``: n_frames_total * 2**(step // niter_step), at most
    min(128, longest sequence) - (n_frames_G - 1); never changes when niter_step is 0 or when n_frames_total
    already reaches that cap (as update_training_batch, which only grows a shorter length)."""
    cap = min(MAX_LENGTH, longest) - (n_frames_G - 1)
    if niter_step == 0 or n_frames_total >= cap:
        return n_frames_total
    doublings = min(step // niter_step, cap.bit_length())  # more doublings cannot change the capped result
    return min(cap, n_frames_total << doublings)


@dataclasses.dataclass(frozen=True)
class FrameCount:
    frames: int  # frames read from the sequence: per_chunk * chunks + n_frames_G - 1
    per_chunk: int  # new frames per chunk (official n_frames_per_load)
    chunks: int  # chunks the sequence is cut into (official n_loadings)


def frame_count(n_frames: int, seq_len: int, n_frames_G: int, max_frames_per_step: int) -> FrameCount:
    """get_video_params' length: ``n_frames`` (the schedule's) clamped to what the sequence of ``seq_len``
    frames holds, then rounded down to whole chunks, plus the n_frames_G - 1 frames before the first."""
    n = min(n_frames, seq_len - n_frames_G + 1)
    per_chunk = min(n, max_frames_per_step)
    chunks = n // per_chunk
    return FrameCount(per_chunk * chunks + n_frames_G - 1, per_chunk, chunks)


def sample_frames(frames: int, seq_len: int, max_t_step: int, rng: np.random.Generator) -> np.ndarray:
    """get_video_params' sampling: indices start + t_step * k (k < ``frames``) of a sequence of ``seq_len``
    frames, t_step uniform in [1, min(max_t_step, (seq_len - 1) // (frames - 1))], start uniform over
    the positions where all sampled frames fit."""
    t_max = min(max_t_step, (seq_len - 1) // (frames - 1))
    t_step = int(rng.integers(t_max)) + 1
    start = int(rng.integers(max(1, seq_len - (frames - 1) * t_step)))
    return start + t_step * np.arange(frames, dtype=np.int64)


def plan_group(lengths: list[int], n_frames: int, n_frames_G: int, max_frames_per_step: int, max_t_step: int,
               rng: np.random.Generator) -> np.ndarray:
    """Sampled frame indices int64 [len(lengths), frames] of a batch's sequences (``lengths`` frames each):
    one frame count for all, from the shortest, so every row has the same chunks; each row its own
    stride and start."""
    count = frame_count(n_frames, min(lengths), n_frames_G, max_frames_per_step)
    return np.stack([sample_frames(count.frames, length, max_t_step, rng) for length in lengths])
