// Module SystemProbe: see README.md for the layer it sits in.
