"""What a model exports, described at the models' floor so the papers can declare their endpoints:
the Endpoint description, the graph pieces every endpoint shares (tensors.py), size rules, float32
copies of mixed-precision networks and the code endpoints of MUNIT/DRIT. tf_i2i/export/ writes them."""
