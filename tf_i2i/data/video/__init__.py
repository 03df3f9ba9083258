"""Video data (vid2vid): sequences of frames from folders, video files or the synthetic renderer, the
sequence-length schedule and the chunked training stream."""
