"""Data pipelines for image-to-image translation: folders, TFDS, and a built-in synthetic data set.

See docs/datasets.md for the folder layouts, matching rules and validation.
"""

from tf_i2i.data.checked_read import data_read_errors
from tf_i2i.data.config import default_data_config
from tf_i2i.data.errors import DatasetError
from tf_i2i.data.labels import one_hot_labels
from tf_i2i.data.pipeline import build_dataset
from tf_i2i.data.synthetic import write_synthetic_dataset

__all__ = [
    "DatasetError", "build_dataset", "data_read_errors", "default_data_config", "one_hot_labels",
    "write_synthetic_dataset",
]
