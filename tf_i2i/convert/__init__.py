"""Official PyTorch checkpoints -> our Keras networks: torch-free .pth reading and per-paper key maps
(tools/fixtures checks them against official-reference fixtures)."""
