"""Measures of generated images and videos."""
