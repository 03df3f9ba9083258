"""Object boxes of the ``boxes`` data layout (INIT): readers, the fixed-size padded form, transforms.

Every consumer sees per image ``max_boxes`` rows: float32 boxes [max_boxes, 4] (y1, x1, y2, x2)
normalised to the element's final image (pixel edges divided by the size: a box over pixel
columns x1..x2-1 is x1 / W .. x2 / W), int32 classes [max_boxes] and bool valid [max_boxes];
padding rows are zero and invalid. See docs/datasets.md.
"""

from tf_i2i.data.boxes.annotation import INIT_CLASSES, ImageBoxes, padded
from tf_i2i.data.boxes.instance_boxes import boxes_from_instance_map, read_instance_boxes
from tf_i2i.data.boxes.matching import match_by_class
from tf_i2i.data.boxes.text_format import read_csv_boxes, read_init_annotation

__all__ = [
    "INIT_CLASSES",
    "ImageBoxes",
    "boxes_from_instance_map",
    "match_by_class",
    "padded",
    "read_csv_boxes",
    "read_init_annotation",
    "read_instance_boxes",
]
