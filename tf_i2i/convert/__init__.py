"""Official PyTorch checkpoints -> our Keras networks: torch-free .pth reading, per-paper key maps,
and the fixture checks that prove converted networks reproduce the official outputs."""
