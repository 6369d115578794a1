"""Hinton's knowledge-distillation loss, as a function and as a torch criterion.

:class:`~skmetamorph.torch.TorchClassifier` applies :func:`distillation_loss`
whenever it is fitted on probabilities; :class:`DistillationLoss` is the same
loss for a plain skorch net or a training loop of your own.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def _check_temperature_alpha(temperature, alpha):
    """Validate the temperature and the weight of the true labels of the loss.

    Checked before any arithmetic: at ``T = 0`` the loss divides by zero and is
    NaN, a negative ``T`` flips the soft targets' ranking, and an ``alpha``
    outside [0, 1] gives the hard or the soft term a negative weight; all of
    them train silently towards garbage.

    Parameters
    ----------
    temperature : float
        Must be finite and > 0.
    alpha : float
        Must be in [0, 1].

    Returns
    -------
    temperature, alpha : float
        The two values as Python floats.

    Raises
    ------
    ValueError
        Naming the parameter that is out of range.
    """
    try:
        temperature = float(temperature)
    except (TypeError, ValueError):
        raise ValueError(
            f"temperature must be a finite number > 0; got {temperature!r}."
        ) from None
    if not (math.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0; got {temperature!r}.")
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        raise ValueError(f"alpha must be a number in [0, 1]; got {alpha!r}.") from None
    if not 0.0 <= alpha <= 1.0:  # False for NaN too
        raise ValueError(f"alpha must be a number in [0, 1]; got {alpha!r}.")
    return temperature, alpha


def distillation_loss(logits, soft_targets, hard_targets=None, *, temperature=1.0, alpha=1.0):
    """Hinton's knowledge-distillation loss on a batch of student logits.

    Every row has a soft target ``p`` (the teacher's probabilities at the
    temperature ``T``); the soft term is the cross-entropy between ``p`` and
    ``softmax(z / T)``, scaled by ``T**2`` so that its gradients keep their size
    when ``T`` changes (Hinton et al. 2015, section 2). A row with a true class
    (``hard_targets >= 0``) also has the ordinary cross-entropy at ``T = 1``;
    the two are mixed as ``alpha * hard + (1 - alpha) * T**2 * soft``. Rows
    without a true class (the transfer set) have the soft term alone.

    Parameters
    ----------
    logits : torch.Tensor of shape (n_samples, n_classes)
        The student's logits ``z``.
    soft_targets : torch.Tensor of shape (n_samples, n_classes)
        Probability targets, rows summing to one.
    hard_targets : torch.Tensor of shape (n_samples,), default=None
        Column index of each row's true class, ``-1`` for rows without one.
        ``None`` means no row has one.
    temperature : float > 0, default=1.0
        Temperature ``T`` of the soft term; must be finite.
    alpha : float in [0, 1], default=1.0
        Weight of the true label on rows that have one.

    Returns
    -------
    loss : torch.Tensor
        Scalar: the mean loss over the rows.

    Raises
    ------
    ValueError
        If ``temperature`` is not a finite number > 0 or ``alpha`` is not in
        [0, 1].

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import distillation_loss
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    >>> soft = torch.tensor([[0.9, 0.1], [0.3, 0.7]])
    >>> hard = torch.tensor([0, -1])
    >>> loss = distillation_loss(logits, soft, hard, temperature=2.0, alpha=0.5)
    >>> round(float(loss), 4)
    1.6931
    """
    temperature, alpha = _check_temperature_alpha(temperature, alpha)
    soft_targets = soft_targets.to(logits.dtype)
    log_q = torch.log_softmax(logits / temperature, dim=1)
    # Cross-entropy, not KL: same gradient, and the form of Hinton's paper.
    per_row = -(soft_targets * log_q).sum(dim=1) * temperature**2
    if hard_targets is not None:
        hard_targets = hard_targets.to(device=logits.device, dtype=torch.long)
        labeled = hard_targets >= 0
        if bool(labeled.any()):
            hard = F.cross_entropy(logits, hard_targets.clamp(min=0), reduction="none")
            per_row = torch.where(labeled, alpha * hard + (1.0 - alpha) * per_row, per_row)
    return per_row.mean()


class DistillationLoss(nn.Module):
    """Hinton's distillation loss as a torch criterion (see :func:`distillation_loss`).

    With integer targets it is the ordinary cross-entropy; with probability
    targets (float, one column per class) it is the soft term at
    ``temperature``, scaled by ``temperature**2``. Use it as the criterion of a
    plain ``skorch.NeuralNetClassifier`` trained on soft labels (pass
    ``classes=[...]`` to the net, whose class inference expects labels), or in
    your own training loop. :class:`TorchClassifier` does not need it: it
    applies the same loss whenever it is fitted on probabilities.

    Parameters
    ----------
    temperature : float > 0, default=1.0
        Temperature of the soft term; must be finite.
    alpha : float in [0, 1], default=1.0
        Weight of the true label when ``forward`` gets ``hard_targets``.

    Raises
    ------
    ValueError
        If ``temperature`` is not a finite number > 0 or ``alpha`` is not in
        [0, 1], at construction (and again on each ``forward`` with
        probability targets, in case the attributes were changed since).

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import DistillationLoss
    >>> criterion = DistillationLoss(temperature=4.0)
    >>> logits = torch.zeros(2, 3)
    >>> round(float(criterion(logits, torch.full((2, 3), 1 / 3))), 4)  # T**2 * log(3)
    17.5778
    >>> round(float(criterion(logits, torch.tensor([0, 2]))), 4)  # hard labels: log(3)
    1.0986
    """

    def __init__(self, temperature=1.0, alpha=1.0):
        super().__init__()
        # Checked here so that a bad value fails when the criterion is built
        # (skorch builds it in ``initialize``), not on the first batch.
        _check_temperature_alpha(temperature, alpha)
        self.temperature = temperature
        self.alpha = alpha

    def forward(self, input, target, hard_targets=None):
        """The loss of a batch.

        Parameters
        ----------
        input : torch.Tensor of shape (n_samples, n_classes)
            Logits.
        target : torch.Tensor
            Class indices of shape (n_samples,) or probabilities of shape
            (n_samples, n_classes).
        hard_targets : torch.Tensor of shape (n_samples,), default=None
            With probability targets: true class index per row, ``-1`` where
            there is none.

        Returns
        -------
        loss : torch.Tensor
            Scalar loss.
        """
        if not torch.is_floating_point(target) and target.dim() == 1:
            return F.cross_entropy(input, target.long())
        return distillation_loss(
            input, target, hard_targets, temperature=self.temperature, alpha=self.alpha
        )
