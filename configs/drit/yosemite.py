"""DRIT++ on Yosemite summer <-> winter (the official README's first example): the defaults,
whose epoch-based schedule is already counted for this set (1231 summer pictures)."""

from tf_i2i.config_utils import load_sibling


def get_config():
    return load_sibling(__file__)
