"""Row-by-row recurrent MNIST classifier: network, data, preprocessing, training and trace.

Nothing in this package imports Gradio: the demo in ``demo/`` and the command-line tools
both build on it.
"""
