"""Config values that cannot work are one line naming the field, before the data set or the model
is built (a run folder gets nothing written), instead of a ZeroDivisionError after step 1, a
run that exits 0 having done nothing, or a TensorFlow shape error inside the first step."""

import pytest

from tests.helpers_training import tiny_config
from tf_i2i.errors import UserError
from tf_i2i.registry import default_config
from tf_i2i.training.loop import train


@pytest.mark.parametrize("field, value", [
    ("train.checkpoint_every", 0), ("train.log_every", 0), ("train.sample_every", -1), ("train.keep_checkpoints", 0),
    ("train.batch_size", 0), ("train.max_nonfinite_steps", 0), ("train.num_steps", -5), ("optim.g_lr", 0.0),
    ("optim.d_lr", float("inf")), ("train.on_nonfinite", "ignore"), ("optim.schedule", "cosine"),
])
@pytest.mark.timeout(60)
def test_bad_number_is_one_line_naming_the_field_before_anything(tmp_path, field, value):
    config = tiny_config("pix2pix", **{field.replace(".", "__"): value})
    with pytest.raises(UserError, match=rf"^{field}\b.*{value!r}"):
        train(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()


@pytest.mark.timeout(60)
def test_drit_crop_below_its_content_discriminator_minimum_is_refused_before_building(tmp_path):
    config = default_config("drit")
    config.data.crop_size = 208
    with pytest.raises(UserError, match=r"data.crop_size=208: .*at least 212 \(the content discriminator"):
        train(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()


@pytest.mark.timeout(60)
def test_mdmm_content_discriminator_bounds_and_generator_multiple_come_from_the_networks(tmp_path):
    mdmm = default_config("drit_md")
    mdmm.model.content_discriminator = True
    mdmm.data.crop_size = 248
    with pytest.raises(UserError, match=r"data.crop_size=248: .*at most 243"):
        train(mdmm, tmp_path / "run")
    with pytest.raises(UserError, match=r"data.crop_size=40: .*multiple of 32"):  # unet_5downs
        train(tiny_config("pix2pix", data__crop_size=40, data__load_size=40), tmp_path / "run")
