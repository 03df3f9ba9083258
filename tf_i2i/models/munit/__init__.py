"""MUNIT (Huang et al., ECCV 2018): multimodal unsupervised translation with content and style codes."""
