"""Video data for vid2vid: sequences of frames, their parts, and the optical flow between frames."""
