"""Convert official pytorch-CycleGAN-and-pix2pix generator checkpoints to Keras weights (no torch needed).

  python tools/convert.py --model=pix2pix --checkpoint=facades_label2photo/latest_net_G.pth --output=converted/facades
  python tools/convert.py --model=cyclegan --checkpoint=latest_net_G_A.pth
      --checkpoint_b=latest_net_G_B.pth --output=converted/horse2zebra

Give the same network options the official model was trained with (--netG, --ngf, --norm,
--no_dropout, --input_nc, --output_nc); unset ones take the official defaults of --model
(pix2pix: unet_256, batch norm, dropout; cyclegan: resnet_9blocks, instance norm, no dropout).
A checkpoint that does not fit the options fails with the first official key that does not fit.
Writes <output>/G.weights.h5 (pix2pix) or G_A.weights.h5 [+ G_B.weights.h5] (cyclegan) and
<output>/options.json, from which tf_i2i.convert.official_checkpoint.load_converted_generators
rebuilds the networks. Checkpoints: .pth/.pt (zip or legacy torch.save format) or .npz.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: hide its C++ INFO/WARNING lines

import sys  # noqa: E402

from absl import app, flags  # noqa: E402

from tf_i2i.convert.cyclegan_pix2pix import OFFICIAL_NETG, OFFICIAL_NORMS  # noqa: E402
from tf_i2i.convert.official_checkpoint import OFFICIAL_DEFAULTS, convert_generators  # noqa: E402
from tf_i2i.convert.state_dict import ConversionError  # noqa: E402

_MODEL = flags.DEFINE_enum("model", None, sorted(OFFICIAL_DEFAULTS), "Official model the checkpoint is from.")
_CHECKPOINT = flags.DEFINE_string(
    "checkpoint", None, "Generator checkpoint: pix2pix latest_net_G.pth; CycleGAN latest_net_G_A.pth "
    "(A -> B) or a pretrained single-direction <name>.pth.")
_CHECKPOINT_B = flags.DEFINE_string("checkpoint_b", None, "CycleGAN only: latest_net_G_B.pth (B -> A).")
_NETG = flags.DEFINE_enum("netG", None, sorted(OFFICIAL_NETG),
                          "Generator; default unet_256 (pix2pix) / resnet_9blocks (cyclegan).")
_NGF = flags.DEFINE_integer("ngf", 64, "Filters in the generator's first conv layer.")
_NORM = flags.DEFINE_enum("norm", None, sorted(OFFICIAL_NORMS),
                          "Normalisation; default batch (pix2pix) / instance (cyclegan).")
_NO_DROPOUT = flags.DEFINE_boolean("no_dropout", None,
                                   "No dropout in the generator; default false (pix2pix) / true (cyclegan).")
_INPUT_NC = flags.DEFINE_integer("input_nc", 3, "Channels of the A images.")
_OUTPUT_NC = flags.DEFINE_integer("output_nc", 3, "Channels of the B images.")
_OUTPUT = flags.DEFINE_string("output", None, "Directory for the .weights.h5 files and options.json.")
flags.mark_flags_as_required(["model", "checkpoint", "output"])


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {argv[1:]}")
    try:
        manifest = convert_generators(
            _MODEL.value, _CHECKPOINT.value, _OUTPUT.value, checkpoint_b=_CHECKPOINT_B.value,
            netG=_NETG.value, ngf=_NGF.value, norm=_NORM.value, no_dropout=_NO_DROPOUT.value,
            input_nc=_INPUT_NC.value, output_nc=_OUTPUT_NC.value)
    except ConversionError as e:
        sys.exit(f"convert: {e}")
    print(f"wrote {manifest}")


if __name__ == "__main__":
    app.run(main)
