"""DRIT / DRIT++ (Lee et al. 2018, 2020): two-domain translation; shared content space, per-domain attributes."""
