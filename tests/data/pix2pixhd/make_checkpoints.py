"""Writes the tiny official-layout pix2pixHD checkpoints beside this file (needs torch; the tests do not).

  python tests/data/pix2pixhd/make_checkpoints.py

Random weights under the state_dict keys the official networks have for the options in OPTIONS
(module lists of models/networks.py: GlobalGenerator, Encoder, MultiscaleDiscriminator with
getIntermFeat; InstanceNorm2d has no parameters), saved like Pix2PixHDModel.save
(`latest_net_<G|E|D>.pth`, torch.save of the state_dict), plus opt.txt as BaseOptions.parse writes it.
"""

from collections import OrderedDict
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
# Label 2 classes + instance edges (3 channels), instance features (feat_num 1): netG takes 4.
OPTIONS = dict(
    batchSize=1, checkpoints_dir="./checkpoints", feat_num=1, gpu_ids=[0], input_nc=3, instance_feat=True,
    isTrain=True, label_feat=False, label_nc=2, lambda_feat=10.0, load_pretrain="", max_dataset_size=float("inf"),
    n_blocks_global=1, n_blocks_local=3, n_clusters=10, n_downsample_E=1, n_downsample_global=1, n_layers_D=1,
    n_local_enhancers=1, name="tiny", ndf=2, nef=2, netG="global", ngf=2, no_ganFeat_loss=False,
    no_instance=False, no_lsgan=False, no_vgg_loss=True, norm="instance", num_D=1, output_nc=3, pool_size=0)
# (key prefix, weight shape): Conv2d weights are (out, in, kh, kw), ConvTranspose2d (in, out, kh, kw).
NETWORKS = {
    "G": [("model.1", (2, 4, 7, 7)), ("model.4", (4, 2, 3, 3)), ("model.7.conv_block.1", (4, 4, 3, 3)),
          ("model.7.conv_block.5", (4, 4, 3, 3)), ("model.8", (4, 2, 3, 3)), ("model.12", (3, 2, 7, 7))],
    "E": [("model.1", (2, 3, 7, 7)), ("model.4", (4, 2, 3, 3)), ("model.7", (4, 2, 3, 3)),
          ("model.11", (1, 2, 7, 7))],
    "D": [("scale0_layer0.0", (2, 6, 4, 4)), ("scale0_layer1.0", (4, 2, 4, 4)), ("scale0_layer2.0", (1, 4, 4, 4))],
}
TRANSPOSED = {("G", "model.8"), ("E", "model.7")}


def main() -> None:
    torch.manual_seed(0)
    for net, modules in NETWORKS.items():
        sd = OrderedDict()
        for prefix, shape in modules:
            sd[f"{prefix}.weight"] = 0.2 * torch.randn(shape)
            sd[f"{prefix}.bias"] = 0.1 * torch.randn(shape[1] if (net, prefix) in TRANSPOSED else shape[0])
        torch.save(sd, HERE / f"latest_net_{net}.pth")
    lines = [f"{k}: {v}\n" for k, v in sorted(OPTIONS.items())]
    (HERE / "opt.txt").write_text("------------ Options -------------\n" + "".join(lines)
                                  + "-------------- End ----------------\n")


if __name__ == "__main__":
    main()
