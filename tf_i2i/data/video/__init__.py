"""vid2vid data: sequence sources, the sequence-length schedule and the chunked training stream."""
