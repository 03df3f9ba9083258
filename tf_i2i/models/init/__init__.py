"""INIT (Shen et al., CVPR 2019): instance-level unpaired translation, MUNIT with global, background and
per-object styles. instances.py holds the styles and region-wise rendering, model.py the training Model."""

from tf_i2i.models.init.model import INIT

__all__ = ["INIT"]
