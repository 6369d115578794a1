"""Adapters for plain skorch nets: their logits and their capability tags.

A ``skorch.NeuralNet`` comes from another package, so it cannot declare its
skmetamorph tags itself; :func:`skorch_tags` is their tag provider (see
:mod:`skmetamorph.utils`). It is registered when :mod:`skmetamorph.torch` is
imported and declared as the entry point ``skorch`` of the group
``skmetamorph.tag_providers``, so the core finds it on meeting a skorch net
without ever importing torch itself.

The helpers that read a net's raw module output are shared with
:class:`~skmetamorph.torch.TorchClassifier`, which is a skorch net too.
"""

import functools

import torch
from skorch import NeuralNet
from skorch.utils import to_numpy
from torch import nn
from torch.nn import functional as F

from ..utils import MetamorphTags


def skorch_tags(estimator):
    """Tag provider for plain skorch nets (any :class:`skorch.NeuralNet`).

    - As a student: ``partial_fit_params={"epochs": 1}``. skorch's
      ``partial_fit`` trains ``max_epochs`` epochs on the rows it gets; in a
      streamed fit each chunk is one ``partial_fit`` call and a pass over the
      whole transfer set is the epoch.
    - As a teacher: ``logits`` is a callable ``X -> z`` when the net's
      predict nonlinearity is a softmax (skorch's choice for the criterion
      ``CrossEntropyLoss``), so that ``softmax(z) == predict_proba(X)``;
      else None, since the probabilities are all there is. A net that is not
      initialized yet has no criterion to tell, and gets None too (the
      logits matter only for a fitted teacher).

    Parameters
    ----------
    estimator : object
        Any estimator whose class comes from the ``skorch`` package.

    Returns
    -------
    tags : MetamorphTags or None
        The tags of a skorch net; None for anything else (the defaults of
        :func:`~skmetamorph.utils.get_metamorph_tags` apply then).

    Examples
    --------
    >>> import skorch, torch
    >>> from skmetamorph.torch import MLP
    >>> from skmetamorph.utils import get_metamorph_tags
    >>> net = skorch.NeuralNetClassifier(
    ...     MLP, module__n_features=4, module__n_classes=3,
    ...     criterion=torch.nn.CrossEntropyLoss)
    >>> tags = get_metamorph_tags(net.initialize())
    >>> tags.student.partial_fit_params
    {'epochs': 1}
    >>> tags.teacher.logits(torch.zeros(2, 4)).shape
    (2, 3)
    """
    if not isinstance(estimator, NeuralNet):
        return None
    tags = MetamorphTags()
    tags.student.partial_fit_params = {"epochs": 1}
    tags.teacher.logits = _skorch_logits_method(estimator)
    return tags


def _is_softmax(nonlinearity):
    """Whether a skorch predict nonlinearity is a softmax, i.e. the output is logits."""
    # skorch's "auto" nonlinearity for CrossEntropyLoss is
    # partial(torch.softmax, dim=-1); users may also pass nn.Softmax().
    if isinstance(nonlinearity, functools.partial):
        return nonlinearity.func in (torch.softmax, F.softmax)
    return isinstance(nonlinearity, nn.Softmax)


def _first_output(output):
    # skorch's convention: a module returning a tuple has its prediction first.
    return output[0] if isinstance(output, tuple) else output


def _module_output(net, X):
    """The net's raw module output on ``X`` (first output of each batch), one tensor."""
    outputs = [_first_output(out) for out in net.forward_iter(X, training=False)]
    if outputs:
        return torch.cat(outputs)
    # torch.cat refuses an empty list; an empty X still gets its (0, n_classes).
    return torch.zeros(0, len(getattr(net, "classes_", ())))


def _skorch_logits_method(net):
    """Logits of a skorch net as a callable ``X -> z``, or None when it has none.

    A callable when the net is initialized and its predict nonlinearity is a
    softmax (criterion ``CrossEntropyLoss``): the module's output is then
    the logits. None otherwise (the probabilities are all there is).
    """
    # skorch's _get_predict_nonlinearity raises on a net that is not
    # initialized: it infers the nonlinearity from the criterion instance.
    if not getattr(net, "initialized_", False):
        return None
    if not _is_softmax(net._get_predict_nonlinearity()):
        return None
    # A partial of a module-level function, not a lambda: tags (and what the
    # core keeps of them) stay picklable.
    return functools.partial(_skorch_logits, net)


def _skorch_logits(net, X):
    """Logits of a skorch net whose output goes through a softmax at prediction."""
    return to_numpy(_module_output(net, X))
