"""Settings every model shares: training loop, optimisers, export. Model configs start from this."""

import ml_collections

from tf_i2i.data import default_data_config


def get_config() -> ml_collections.ConfigDict:
    c = ml_collections.ConfigDict()
    c.model = ml_collections.ConfigDict()
    c.data = default_data_config()

    c.train = ml_collections.ConfigDict()
    c.train.batch_size = 1           # global batch, split over replicas
    c.train.num_steps = 1000
    c.train.log_every = 50           # TensorBoard scalars + progress line
    c.train.sample_every = 500       # image grid to TensorBoard and workdir/samples/
    c.train.checkpoint_every = 500
    c.train.keep_checkpoints = 3
    c.train.on_nonfinite = "stop"    # a nan/inf loss: stop (naming step and terms) | skip_step (drop the update)
    c.train.max_nonfinite_steps = 10  # skip_step: stop after this many dropped steps in a row
    c.train.check_gradient_norm = False  # also treat a nan/inf gradient norm as divergence (one pass over the gradients)
    c.train.mixed_precision = "float32"   # or "mixed_bfloat16"
    c.train.strategy = "auto"        # auto | default | mirrored | multi_worker
    c.train.seed = 0
    c.train.deterministic = False
    c.train.parallel_ops = 0         # ops at once, each with cores / parallel_ops threads; 0 = TF's defaults.
                                     # Machine tuning, opted into by flag, never set by a config (threads.py)

    c.optim = ml_collections.ConfigDict()
    c.optim.g_lr = 2e-4
    c.optim.d_lr = 2e-4
    c.optim.beta1 = 0.5
    c.optim.beta2 = 0.999
    c.optim.schedule = "linear"      # linear | step | constant
    c.optim.constant_steps = 500     # linear: keep lr for these steps, then decay to 0 ...
    c.optim.decay_steps = 500        # ... over these steps (the papers' n_epochs / n_epochs_decay)
    c.optim.step_size = 100000       # step: multiply by gamma every step_size steps (MUNIT)
    c.optim.gamma = 0.5

    c.export = ml_collections.ConfigDict()
    c.export.at_end = True           # write SavedModel + TFLite into workdir/export after training
    c.export.tflite = "float32"      # comma-separated, any of float32,float16,int8 (dynamic range); "" = none
    c.export.height = 256            # fixed TFLite input size (SavedModel stays dynamic)
    c.export.width = 256
    c.export.tflite_batch = 1        # fixed TFLite batch; 0 = dynamic batch (clients must send batch >= 1)
    c.export.check_range = True      # SavedModel endpoints reject NaN/inf and images outside [-1, 1]
    return c
