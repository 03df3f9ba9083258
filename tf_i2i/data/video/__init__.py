"""Video data (vid2vid): sequences of frames from folders, video files or the synthetic renderer."""
