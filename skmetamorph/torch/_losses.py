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
        raise ValueError(f"temperature must be a finite number > 0; got {temperature!r}.") from None
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


# ------------------------------------------------- feature-based distillation
def _row_shape(shape):
    return tuple(int(size) for size in shape)


class HintLoss(nn.Module):
    """FitNets' hint loss: a learned regressor maps a student layer to a teacher layer.

    Romero et al. (2015) train a student layer (the *guided* layer), through
    a small regressor, to predict the activations of a teacher layer (the
    *hint*): the loss is the mean squared error between the regressor's output
    and the teacher's activations. The regressor is a 1x1 convolution when
    both layers are convolutional maps ``(channels, height, width)`` of the
    same height and width (FitNets' convolutional regressor, which keeps its
    parameters few), and otherwise a linear map of the flattened activations.
    It is trained with the student and only serves the loss: predictions never
    use it.

    Parameters
    ----------
    student_shape : tuple of int
        Shape of one row of the student layer's output (without the batch
        dimension), e.g. ``(12, 7, 7)`` or ``(800,)``.
    teacher_shape : tuple of int
        Shape of one row of the teacher layer's activations.
    names : tuple of (str, str), default=("student", "teacher")
        The two layers' names, used in error messages only.

    Attributes
    ----------
    regressor : torch.nn.Module
        ``Conv2d(c_s, c_t, 1)`` or ``Linear(prod(student_shape),
        prod(teacher_shape))``.

    Raises
    ------
    ValueError
        If both are convolutional maps of different heights or widths (a 1x1
        convolution cannot match them; pick layers of the same spatial size),
        or a shape is empty.

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import HintLoss
    >>> loss = HintLoss((4, 7, 7), (16, 7, 7))
    >>> type(loss.regressor).__name__
    'Conv2d'
    >>> loss(torch.zeros(2, 4, 7, 7), torch.zeros(2, 16, 7, 7)).shape
    torch.Size([])
    """

    def __init__(self, student_shape, teacher_shape, names=("student", "teacher")):
        super().__init__()
        student_shape, teacher_shape = _row_shape(student_shape), _row_shape(teacher_shape)
        student_name, teacher_name = names
        described = (
            f"the student layer {student_name!r} gives rows of shape {student_shape} and the "
            f"teacher layer {teacher_name!r} rows of shape {teacher_shape}"
        )
        if not student_shape or not teacher_shape or 0 in student_shape + teacher_shape:
            raise ValueError(f"A hint needs non-empty activations, but {described}.")
        self.student_shape, self.teacher_shape = student_shape, teacher_shape
        if len(student_shape) == 3 and len(teacher_shape) == 3:
            if student_shape[1:] != teacher_shape[1:]:
                raise ValueError(
                    f"Cannot match the hint: {described}; both are convolutional maps, whose "
                    "1x1-convolution regressor needs the same height and width. Pick layers "
                    "of the same spatial size (or a flat layer on either side, which gets a "
                    "linear regressor)."
                )
            self.regressor = nn.Conv2d(student_shape[0], teacher_shape[0], kernel_size=1)
        else:
            self.regressor = nn.Sequential(
                nn.Flatten(), nn.Linear(math.prod(student_shape), math.prod(teacher_shape))
            )

    def forward(self, student, teacher):
        """Mean squared error between the regressed student activations and the teacher's.

        Parameters
        ----------
        student : torch.Tensor of shape (n_samples, ...)
            The student layer's output for a batch.
        teacher : torch.Tensor of shape (n_samples, ...)
            The teacher layer's activations for the same rows (flat rows are
            reshaped).

        Returns
        -------
        loss : torch.Tensor
            Scalar, the mean over rows and activations.
        """
        predicted = self.regressor(student).reshape(student.shape[0], *self.teacher_shape)
        teacher = teacher.to(predicted.dtype).reshape(predicted.shape)
        return F.mse_loss(predicted, teacher)


def _pairwise_distances(embeddings):
    """Euclidean distances between the rows, from their differences.

    Differences rather than the Gram-matrix trick: no cancellation error,
    so identical embeddings give identical distances bit for bit. The
    diagonal's gradient would be NaN (the square root at 0), so it is
    excluded from the square root and stays exactly 0.
    """
    difference = embeddings.unsqueeze(0) - embeddings.unsqueeze(1)
    squared = difference.pow(2).sum(dim=2)
    off_diagonal = ~torch.eye(len(embeddings), dtype=torch.bool, device=embeddings.device)
    distances = torch.zeros_like(squared)
    distances[off_diagonal] = squared[off_diagonal].clamp(min=1e-12).sqrt()
    return distances


def _normalised_distances(embeddings):
    """Pairwise distances divided by their mean over distinct pairs (RKD's ``mu``)."""
    distances = _pairwise_distances(embeddings)
    positive = distances[distances > 0]
    # No positive distance (all rows equal): nothing to normalise by.
    return distances / positive.mean() if positive.numel() else distances


def _flat_rows(student, teacher):
    student = student.reshape(student.shape[0], -1)
    teacher = teacher.reshape(teacher.shape[0], -1).to(student.dtype)
    if student.shape[0] != teacher.shape[0]:
        raise ValueError(
            f"The student and teacher embeddings have {student.shape[0]} and "
            f"{teacher.shape[0]} rows; they must be the same rows."
        )
    return student, teacher


class _RelationalLoss(nn.Module):
    """RKD's shape of loss: the Huber loss between the student's and the teacher's potentials.

    A subclass names its ``potential`` (a function of a batch's embeddings)
    and the fewest rows that have one (``min_rows``).
    """

    min_rows = 2

    def forward(self, student, teacher):
        """The loss of a batch.

        Parameters
        ----------
        student : torch.Tensor of shape (n_samples, ...)
            Student embeddings (flattened per row).
        teacher : torch.Tensor of shape (n_samples, ...)
            Teacher embeddings of the same rows; no gradient flows into them.

        Returns
        -------
        loss : torch.Tensor
            Scalar; 0 for batches of fewer than ``min_rows`` rows.
        """
        student, teacher = _flat_rows(student, teacher)
        if student.shape[0] < self.min_rows:
            return student.sum() * 0.0
        with torch.no_grad():
            target = self.potential(teacher)
        return F.smooth_l1_loss(self.potential(student), target)


class RKDDistanceLoss(_RelationalLoss):
    """RKD's distance term: the student reproduces the teacher's distances between rows.

    Park et al. (2019), relational knowledge distillation: within a batch,
    the distance potential of a pair of rows is their Euclidean distance
    divided by the mean distance over all distinct pairs of the batch; the
    loss is the Huber (smooth L1) loss between the student's and the teacher's
    potentials. The normalisation makes it zero for identical embeddings and
    invariant to a scaling of either one, and lets the two embeddings have
    different widths (no regressor).

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import RKDDistanceLoss
    >>> embeddings = torch.randn(8, 5)
    >>> round(float(RKDDistanceLoss()(3.0 * embeddings, embeddings)), 6)  # scale-invariant
    0.0
    """

    #: Fewest rows with a relation: two for a distance.
    min_rows = 2

    @staticmethod
    def potential(embeddings):
        """Pairwise distances divided by their mean over distinct pairs."""
        return _normalised_distances(embeddings)


def _triplet_cosines(embeddings):
    """Cosine of the angle at row ``j`` of every triplet ``(i, j, k)``: ``<e_ij, e_kj>``."""
    difference = embeddings.unsqueeze(0) - embeddings.unsqueeze(1)  # [j, i] = e_i - e_j
    unit = F.normalize(difference, p=2, dim=2)
    return torch.bmm(unit, unit.transpose(1, 2)).reshape(-1)


class RKDAngleLoss(_RelationalLoss):
    """RKD's angle term: the student reproduces the angles of the teacher's triplets.

    Park et al. (2019): for every triplet of rows ``(i, j, k)`` of a batch,
    the angle potential is the cosine of the angle at ``j`` between the
    directions to ``i`` and to ``k``; the loss is the Huber (smooth L1) loss
    between the student's and the teacher's potentials. Zero for identical
    embeddings, invariant to scaling (and translation), no regressor needed.
    A batch of ``n`` rows has ``n**3`` triplets: the memory grows with the
    cube of the batch size (2 million cosines at 128 rows).

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import RKDAngleLoss
    >>> embeddings = torch.randn(8, 5)
    >>> float(RKDAngleLoss()(embeddings, embeddings))
    0.0
    """

    #: Fewest rows with a relation: three for an angle.
    min_rows = 3

    @staticmethod
    def potential(embeddings):
        """Cosines of the angles of every triplet of rows."""
        return _triplet_cosines(embeddings)
