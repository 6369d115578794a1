"""Named layers of a torch module: finding them and reading their activations.

Feature- and relation-based distillation read the output of a submodule by
its name in ``module.named_modules()`` (``"features.3"``, ``"layers.1"``);
the empty name ``""`` is the whole module (its output). The teacher's
activations are read by :meth:`TorchClassifier.transform`, the student's
while it trains; both through the forward hooks of this module, which are
registered only while they are read, so that a fitted net pickles without
them.
"""

import contextlib

import torch


def layer_names(module):
    """Names of the submodules of ``module`` whose output can be read, in module order."""
    return [name for name, _ in module.named_modules() if name]


def find_layer(module, name, *, owner="net", parameter="layer"):
    """The submodule called ``name`` (``""``: the module itself).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If there is no such submodule; the message lists the names that exist.
    """
    if not isinstance(name, str):
        raise TypeError(f"{parameter} must be a layer name (a str); got {name!r}.")
    layers = dict(module.named_modules())
    if name not in layers:
        raise ValueError(
            f"{parameter}={name!r}: the {owner}'s module ({type(module).__name__}) has no "
            f"layer of that name. Its layers are {layer_names(module)} (names of "
            "module.named_modules(); '' is the whole module's output)."
        )
    return layers[name]


def _output_tensor(output, name):
    # A layer may return a tuple (an LSTM, a custom block); its first tensor
    # is taken, as skorch does with a module's output.
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise ValueError(
            f"The layer {name!r} returns {type(output).__name__}, not a tensor; pick a layer "
            "whose output is a tensor of one row per input row."
        )
    return output


@contextlib.contextmanager
def capture(module, names, *, owner="net", parameter="layer"):
    """Record the output of the named layers at each forward pass of ``module``.

    Yields a dict that maps each name to its layer's output of the latest
    forward pass (a tensor, still in the autograd graph while training). The
    hooks are removed on exit.
    """
    captured, handles = {}, []

    def hook_for(name):
        def hook(_module, _inputs, output):
            captured[name] = _output_tensor(output, name)

        return hook

    try:
        for name in dict.fromkeys(names):
            layer = find_layer(module, name, owner=owner, parameter=parameter)
            handles.append(layer.register_forward_hook(hook_for(name)))
        yield captured
    finally:
        for handle in handles:
            handle.remove()


def check_rows(activations, n_rows, name):
    """The activations of a layer must have one row per input row."""
    if activations.ndim < 1 or activations.shape[0] != n_rows:
        raise ValueError(
            f"The layer {name!r} gives an output of shape {tuple(activations.shape)} for "
            f"{n_rows} input rows: not one row per input row, so it cannot be matched row "
            "by row. Pick a layer whose output has the rows first."
        )
    return activations
