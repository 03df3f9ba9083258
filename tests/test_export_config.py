"""The export section of a config: TFLite variants as a comma list, checked before training starts."""

import pytest

from tf_i2i.export import ExportInputError, parse_quantizations
from tf_i2i.training.loop import train
from tests.helpers_export import tiny_config


@pytest.mark.parametrize("value,expected", [
    ("float32", ("float32",)), ("float32, int8", ("float32", "int8")), ("", ()),
    (("float16",), ("float16",)), (["float32", "int8"], ("float32", "int8")),
])
def test_comma_lists_and_sequences_parse(value, expected):
    assert parse_quantizations(value) == expected


def test_unknown_variant_is_named():
    with pytest.raises(ExportInputError, match="int4"):
        parse_quantizations("float32,int4")


@pytest.mark.parametrize("flat,match", [({"export.tflite": "float32,int4"}, "int4"),
                                        ({"export.height": 40}, "multiple")])
def test_bad_export_settings_fail_before_the_first_step(tmp_path, flat, match):
    config = tiny_config("pix2pix", **{"train.num_steps": 2, **flat})
    with pytest.raises(ExportInputError, match=match):
        train(config, tmp_path)
    assert not (tmp_path / "checkpoints").exists() or not any((tmp_path / "checkpoints").iterdir())
