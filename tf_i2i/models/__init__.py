"""One folder per paper (its networks, its keras.Model, its spec.py) plus what several papers share:
base.py (GANModel), two_domain.py, semantic_model.py, serving/ (export endpoints). The registry
(tf_i2i.registry) finds the papers through their spec.py; nothing is imported here."""
