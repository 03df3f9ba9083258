"""Strategy choice, the training loop, checkpoints, summaries and learning-rate schedules."""
