"""MUNIT edges -> shoes (official configs/edges2shoes_folder.yaml): the pix2pix edges2shoes images
split into unpaired folders, datasets/edges2shoes/{trainA,trainB,testA,testB} (A = edge maps, B = shoe
photos, 256x256, both stored as RGB: input_dim_a = input_dim_b = 3).

For one-channel edge maps set --config.data.a_channels=1 (the model's input_nc follows)."""

from tf_i2i.config_utils import load_sibling


def get_config():
    c = load_sibling(__file__)
    c.data.source = "datasets/edges2shoes"      # official data_root
    c.data.layout = "unpaired"                  # trainA/ and trainB/, shuffled independently
    return c
