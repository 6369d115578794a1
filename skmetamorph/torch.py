"""PyTorch teachers and students through skorch.

This module is the glue between skmetamorph and neural networks. It is
imported only when used: ``import skmetamorph`` never imports torch, and this
module raises an :class:`ImportError` naming the extra to install
(``pip install "skmetamorph[torch]"``) when torch or skorch is missing.

What it provides:

- :class:`TorchClassifier`, a :class:`skorch.NeuralNetClassifier` that works on
  both sides of a metamorphosis: float64 input is cast to float32 batch by
  batch, any class labels are accepted, predictions run on slices of the input
  in large batches, ``random_state`` seeds torch, and as a student it trains on
  the teacher's soft labels with Hinton's loss.
- :func:`distillation_loss` and :class:`DistillationLoss`, the loss itself, for
  use in your own training code or as the criterion of a plain skorch net.
- :class:`SmallCNN` and :class:`MLP`, small default modules for flat rows of
  single-channel images and for tabular rows.

A plain ``skorch.NeuralNetClassifier`` works as a teacher as well (give it
float32 ``X`` and class labels ``0 .. n_classes - 1``); when its output is
logits (criterion ``CrossEntropyLoss``), the temperature is applied to the
logits. For a GPU, ``set_params(teacher__device="cuda")`` is all it takes.

Semi-supervised teacher (the setup of the MNIST result): scikit-learn's
:class:`~sklearn.semi_supervised.SelfTrainingClassifier` wrapping a
:class:`TorchClassifier` trains on the labeled rows, labels the unlabeled ones
(``y == -1``) it is confident about and refits; skorch's ``fit`` builds a
fresh net each round. :class:`~skmetamorph.MetamorphosisClassifier` passes the
``-1`` rows to it by itself::

    from sklearn.semi_supervised import SelfTrainingClassifier
    from sklearn.tree import DecisionTreeClassifier
    from skmetamorph import MetamorphosisClassifier
    from skmetamorph.samplers import ConfidenceSampler
    from skmetamorph.torch import SmallCNN, TorchClassifier

    cnn = TorchClassifier(SmallCNN, max_epochs=10, lr=0.1)
    teacher = SelfTrainingClassifier(cnn, threshold=0.95, max_iter=5)
    model = MetamorphosisClassifier(
        teacher, DecisionTreeClassifier(), ConfidenceSampler(threshold=0.9),
        labels="soft", random_state=0)
    model.fit(X, y)  # y == -1 marks the unlabeled rows
"""

import contextlib
import functools
import inspect
from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

try:
    import skorch
    import torch
    from skorch import NeuralNetClassifier
    from skorch.callbacks import EpochScoring
    from skorch.dataset import Dataset as _SkorchDataset
    from skorch.utils import to_device, to_numpy
    from torch import nn
    from torch.nn import functional as F
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "skmetamorph.torch needs PyTorch and skorch, which are optional dependencies of "
        'skmetamorph. Install them with: pip install "skmetamorph[torch]"'
    ) from exc

__all__ = [
    "MLP",
    "DistillationLoss",
    "SmallCNN",
    "TorchClassifier",
    "distillation_loss",
]


# ---------------------------------------------------------------------- losses
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
        Temperature ``T`` of the soft term.
    alpha : float in [0, 1], default=1.0
        Weight of the true label on rows that have one.

    Returns
    -------
    loss : torch.Tensor
        Scalar: the mean loss over the rows.

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
    temperature = float(temperature)
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
        Temperature of the soft term.
    alpha : float in [0, 1], default=1.0
        Weight of the true label when ``forward`` gets ``hard_targets``.

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


# --------------------------------------------------------------------- modules
class SmallCNN(nn.Module):
    """A small CNN for flat rows of single-channel images (MNIST 28x28, digits 8x8).

    Each row of ``X`` is reshaped to ``image_shape``; each entry of
    ``channels`` adds a 3x3 convolution, a ReLU and a 2x2 max-pooling, followed
    by one hidden dense layer with dropout. The output is logits, so train it
    with ``CrossEntropyLoss`` (the default criterion of
    :class:`TorchClassifier`).

    Parameters
    ----------
    image_shape : tuple of (int, int), default=None
        Height and width. ``None``: a square image of ``n_features`` pixels,
        else 28x28.
    n_classes : int, default=10
        Number of outputs. :class:`TorchClassifier` fills it from the data
        unless you set ``module__n_classes``.
    n_features : int, default=None
        Pixels per row, checked against ``image_shape``;
        :class:`TorchClassifier` fills it from the data.
    channels : tuple of int, default=(16, 32)
        Output channels of the convolution blocks.
    hidden_units : int, default=64
        Width of the dense layer.
    dropout : float, default=0.25
        Dropout before the output layer.

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import SmallCNN
    >>> SmallCNN(image_shape=(8, 8))(torch.zeros(5, 64)).shape
    torch.Size([5, 10])
    """

    def __init__(
        self,
        image_shape=None,
        n_classes=10,
        *,
        n_features=None,
        channels=(16, 32),
        hidden_units=64,
        dropout=0.25,
    ):
        super().__init__()
        if image_shape is None:
            side = round(np.sqrt(n_features)) if n_features else 28
            if n_features and side * side != n_features:
                raise ValueError(
                    f"SmallCNN cannot make a square image of {n_features} pixels; "
                    "pass image_shape=(height, width)."
                )
            image_shape = (side, side)
        height, width = (int(size) for size in image_shape)
        if n_features is not None and height * width != n_features:
            raise ValueError(
                f"image_shape={tuple(image_shape)} has {height * width} pixels but rows "
                f"have {n_features} features."
            )
        self.image_shape = (height, width)
        blocks, in_channels = [], 1
        for out_channels in channels:
            blocks += [nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU()]
            if min(height, width) >= 2:  # pool only while there is something to pool
                blocks.append(nn.MaxPool2d(2))
                height, width = height // 2, width // 2
            in_channels = out_channels
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_channels * height * width, hidden_units),
            nn.ReLU(),
            nn.Dropout(dropout),
            nn.Linear(hidden_units, n_classes),
        )

    def forward(self, X):
        """Logits of a batch of flat rows (or of images already shaped ``(n, 1, h, w)``)."""
        return self.classifier(self.features(X.reshape(-1, 1, *self.image_shape)))


class MLP(nn.Module):
    """A multilayer perceptron for tabular rows, returning logits.

    Parameters
    ----------
    n_features : int, default=None
        Input width; :class:`TorchClassifier` fills it from the data.
    n_classes : int, default=None
        Number of outputs; :class:`TorchClassifier` fills it from the data.
    hidden_units : tuple of int, default=(64,)
        Widths of the hidden layers (ReLU after each). ``()`` gives a linear
        model (multinomial logistic regression).
    dropout : float, default=0.0
        Dropout after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import MLP
    >>> MLP(n_features=64, n_classes=10, hidden_units=(32,))(torch.zeros(3, 64)).shape
    torch.Size([3, 10])
    """

    def __init__(self, n_features=None, n_classes=None, hidden_units=(64,), dropout=0.0):
        super().__init__()
        if n_features is None or n_classes is None:
            raise ValueError(
                "MLP needs n_features and n_classes; TorchClassifier fills them from the "
                "data, a plain skorch net needs module__n_features and module__n_classes."
            )
        layers, width = [], int(n_features)
        for units in hidden_units:
            layers += [nn.Linear(width, units), nn.ReLU()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            width = units
        layers.append(nn.Linear(width, int(n_classes)))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        """Logits of a batch of rows."""
        return self.layers(X.reshape(X.shape[0], -1))


# ------------------------------------------------------------------ estimator
def _as_float32(x):
    """Cast floating arrays/tensors (also inside dicts, lists, tuples) to float32.

    Done per batch, on the CPU, before the batch moves to the device: a float64
    ``X`` is never copied whole, and only half the bytes cross to a GPU. Read-only
    arrays (joblib memmaps) are copied, as torch cannot wrap them safely.
    """
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f" and x.dtype != np.float32:
            return x.astype(np.float32)
        return x if x.flags.writeable else x.copy()
    if isinstance(x, torch.Tensor):
        return x.float() if x.is_floating_point() and x.dtype != torch.float32 else x
    if isinstance(x, dict):
        return {key: _as_float32(value) for key, value in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(_as_float32(value) for value in x)
    return x


def _is_softmax(nonlinearity):
    """Whether a skorch predict nonlinearity is a softmax, i.e. the output is logits."""
    if isinstance(nonlinearity, functools.partial):
        return nonlinearity.func in (torch.softmax, F.softmax)
    return isinstance(nonlinearity, nn.Softmax)


def _first_output(output):
    return output[0] if isinstance(output, tuple) else output


def _target_class_index(y):
    """Class index per row of encoded targets: the true class, else the soft argmax."""
    if isinstance(y, dict):
        soft, hard = to_numpy(y["soft"]), to_numpy(y["hard"])
        return np.where(hard >= 0, hard, np.argmax(soft, axis=1))
    return to_numpy(y)


def _index_accuracy(net, X, y):
    """Scorer for validation accuracy against encoded (index) targets."""
    return float(np.mean(np.argmax(net.predict_proba(X), axis=1) == y))


class TorchClassifier(NeuralNetClassifier):
    """A skorch ``NeuralNetClassifier`` that works as teacher and as student.

    It is a :class:`skorch.NeuralNetClassifier` (every skorch parameter and
    ``module__*``/``optimizer__*`` prefix works) with the conveniences a
    metamorphosis needs:

    - **dtypes**: float input of any precision is cast to float32 batch by batch
      (no float64 copy of ``X``, no dtype errors); class labels may be any
      sortable values, not only ``0 .. n_classes - 1``.
    - **soft targets**: ``fit(X, Y)`` with ``Y`` of shape
      ``(n_samples, n_classes)`` trains on probabilities with Hinton's loss
      (:func:`distillation_loss`). Inside
      :class:`~skmetamorph.MetamorphosisClassifier` with ``labels="soft"`` it
      gets the teacher's soft labels, the true classes of the labeled rows, and
      the meta-estimator's ``temperature`` and ``alpha``, so ``GridSearchCV``
      over ``temperature`` just works.
    - **fast labeling**: ``predict_proba`` and :meth:`predict_logits` run the
      module on slices of ``X`` of ``predict_batch_size`` rows instead of
      skorch's row-by-row data loader; a teacher on a GPU labels large
      transfer sets at GPU speed. Its logits let the temperature act on the
      logits themselves.
    - **module sizes**: a module class with ``n_features`` / ``n_classes``
      parameters (:class:`SmallCNN`, :class:`MLP`) gets them from the data
      unless set with ``module__n_features`` / ``module__n_classes``.
    - **seeding**: ``random_state`` seeds torch for ``fit`` without touching
      torch's global random state, and is seeded by the meta-estimator's
      ``random_state`` like any scikit-learn estimator.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        The network; its output must be logits (or probabilities with
        ``criterion=torch.nn.NLLLoss``, skorch's convention).
    criterion : torch criterion class, default=torch.nn.CrossEntropyLoss
        Loss for hard labels. Soft targets always use :func:`distillation_loss`
        on the logits (log-probabilities for an ``NLLLoss`` module).
    train_split : callable or None, default=None
        skorch's validation split. ``None`` trains on every row, which suits
        transfer sets; a ``skorch.dataset.ValidSplit`` also works with soft
        targets (stratified on the hard or most probable class).
    predict_batch_size : int or "auto", default="auto"
        Rows per forward pass when predicting or labeling. ``"auto"``: 4096 on
        a CUDA device, where large batches keep the GPU busy, and 128 on the
        CPU, where batches whose activations fit the caches are faster than
        larger ones.
        ``iterator_valid__batch_size`` takes precedence when set.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout during ``fit``
        (inside :func:`torch.random.fork_rng`, so torch's global state is
        left as it was). ``None`` uses torch's global random state.
    verbose : int, default=0
        skorch's epoch table is printed when 1; quiet by default like
        scikit-learn estimators.
    iterator_train__shuffle : bool, default=True
        Shuffle the training rows every epoch (skorch's default is False).
        The rows a metamorphosis gives its student come in blocks (labeled
        rows, then the transfer set) and labeled data often comes sorted by
        class; mini-batch training needs them mixed.
    **kwargs
        Every other :class:`skorch.NeuralNetClassifier` parameter (``lr``,
        ``max_epochs``, ``batch_size``, ``optimizer``, ``device``, ``classes``,
        ``module__*``, ...).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, the columns of ``predict_proba``.
    n_features_in_ : int
        Number of features seen during fit (2-D array input).
    temperature_ : float
        Temperature of the soft-target loss of the last fit (1.0 for hard
        labels).
    alpha_ : float
        Weight of the true labels of the last fit (1.0 for hard labels).
    module_ : torch.nn.Module
        The trained network (skorch's attribute), and the rest of skorch's
        fitted attributes (``history_``, ``optimizer_``, ...).

    See Also
    --------
    distillation_loss : The loss used for soft targets.
    skmetamorph.MetamorphosisClassifier : Uses this as teacher or student.

    Examples
    --------
    A CNN teacher distilled into a small MLP student on soft labels at temperature 4:

    >>> import torch
    >>> from sklearn.datasets import load_digits
    >>> from skmetamorph import MetamorphosisClassifier
    >>> from skmetamorph.torch import MLP, SmallCNN, TorchClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16.0  # float64 is fine: batches are cast to float32
    >>> adam = dict(optimizer=torch.optim.Adam, lr=0.01, max_epochs=10)
    >>> teacher = TorchClassifier(SmallCNN, module__channels=(8,), **adam)
    >>> student = TorchClassifier(MLP, module__hidden_units=(32,), **adam)
    >>> model = MetamorphosisClassifier(teacher, student, labels="soft", temperature=4.0,
    ...                                 alpha=0.5, random_state=0)
    >>> model.fit(X[:1200], y[:1200]).student_.temperature_
    4.0
    >>> bool(model.score(X[1200:], y[1200:]) > 0.8)
    True
    """

    #: Trains on probability targets; see ``MetamorphosisClassifier._fit_student``.
    _skmetamorph_soft_targets = True

    def __init__(
        self,
        module,
        *args,
        criterion=nn.CrossEntropyLoss,
        train_split=None,
        predict_batch_size="auto",
        random_state=None,
        verbose=0,
        **kwargs,
    ):
        kwargs.setdefault("iterator_train__shuffle", True)
        super().__init__(
            module, *args, criterion=criterion, train_split=train_split, verbose=verbose, **kwargs
        )
        self.predict_batch_size = predict_batch_size
        self.random_state = random_state

    @property
    def _default_callbacks(self):
        # skorch's "valid_acc" compares predict() with y; our y holds class
        # indices (or soft targets), so score on indices instead.
        callbacks = []
        for name, callback in super()._default_callbacks:
            if name == "valid_acc":
                callback = EpochScoring(
                    _index_accuracy,
                    name="valid_acc",
                    lower_is_better=False,
                    target_extractor=_target_class_index,
                )
            callbacks.append((name, callback))
        return callbacks

    # ------------------------------------------------------------- fitting
    def fit(
        self, X, y, *, classes=None, hard_targets=None, temperature=1.0, alpha=1.0, **fit_params
    ):
        """Initialise (unless ``warm_start``) and train on class labels or probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (anything skorch accepts); floats are cast to float32
            batch by batch.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels, or probability targets (soft labels), one column per
            class.
        classes : array-like of shape (n_classes,), default=None
            With probability targets: the class label of each column (default
            ``0 .. n_classes - 1``). With labels: all classes, in case some are
            missing from ``y``.
        hard_targets : array-like of shape (n_samples,), default=None
            With probability targets: the column index of each row's true
            class, ``-1`` for rows without one (the transfer set).
        temperature : float > 0, default=1.0
            With probability targets: temperature of the soft term.
        alpha : float in [0, 1], default=1.0
            With probability targets: weight of the true class on rows that
            have one (see :func:`distillation_loss`).
        **fit_params : dict
            Passed on to skorch (the module's ``forward`` and ``train_split``).

        Returns
        -------
        self : TorchClassifier
            The fitted net.
        """
        fresh = not self.warm_start or not self.initialized_
        targets = self._encode_targets(
            X, y, classes, hard_targets, temperature, alpha, reset=fresh
        )
        with self._random_context():
            if fresh:
                self.initialize()
            skorch.NeuralNet.partial_fit(self, X, targets, _routing_method="fit", **fit_params)
        return self

    def partial_fit(
        self, X, y, classes=None, *, hard_targets=None, temperature=1.0, alpha=1.0, **fit_params
    ):
        """Continue training without re-initialising (see :meth:`fit` for the arguments).

        The classes are fixed by the first call (or by ``classes``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Class labels or probability targets.
        classes : array-like of shape (n_classes,), default=None
            All classes; needed on the first call when ``y`` lacks some.
        hard_targets : array-like of shape (n_samples,), default=None
            True class index per row of probability targets, ``-1`` for none.
        temperature : float > 0, default=1.0
            Temperature of the soft term.
        alpha : float in [0, 1], default=1.0
            Weight of the true class.
        **fit_params : dict
            Passed on to skorch.

        Returns
        -------
        self : TorchClassifier
            The updated net.
        """
        first = not self.initialized_ or not hasattr(self, "classes_inferred_")
        targets = self._encode_targets(
            X, y, classes, hard_targets, temperature, alpha, reset=first
        )
        if not self.initialized_:
            with self._random_context():
                self.initialize()
        return skorch.NeuralNet.partial_fit(self, X, targets, **fit_params)

    def check_data(self, X, y):
        """Leave ``classes_`` as :meth:`fit` set them (skorch would infer them from ``y``)."""
        if y is None:  # a Dataset holding its own targets: skorch's own checks
            super().check_data(X, y)

    def _encode_targets(self, X, y, classes, hard_targets, temperature, alpha, reset):
        """Targets as the loss wants them: class indices, or a dict of soft and hard parts.

        Also records the classes and ``n_features_in_`` that size the module.
        """
        if reset:
            shape = getattr(X, "shape", None)
            if shape is not None and len(shape) == 2:
                self.n_features_in_ = int(shape[1])
        if y is None:
            return None
        y = to_numpy(y) if isinstance(y, torch.Tensor) else np.asarray(y)
        if y.ndim == 1:
            if hard_targets is not None:
                raise ValueError("hard_targets goes with probability targets (2-D y), not labels.")
            if reset:
                self._set_classes(np.unique(y) if classes is None else np.asarray(classes))
            self.temperature_, self.alpha_ = 1.0, 1.0
            return self._class_indices(y)
        if y.ndim != 2:
            raise ValueError(f"y must be 1-D labels or 2-D probabilities; got shape {y.shape}.")
        if reset:
            self._set_classes(np.arange(y.shape[1]) if classes is None else np.asarray(classes))
        if y.shape[1] != len(self.classes_):
            raise ValueError(
                f"Probability targets have {y.shape[1]} columns but there are "
                f"{len(self.classes_)} classes."
            )
        if hard_targets is None:
            hard = np.full(y.shape[0], -1, dtype=np.int64)
        else:
            hard = np.asarray(hard_targets, dtype=np.int64)
            out_of_range = hard.max(initial=-1) >= y.shape[1] or hard.min(initial=-1) < -1
            if hard.shape != (y.shape[0],) or out_of_range:
                raise ValueError("hard_targets must hold one column index (or -1) per row of y.")
        if not temperature > 0 or not 0 <= alpha <= 1:
            raise ValueError(
                f"Need temperature > 0 and 0 <= alpha <= 1; got {temperature}, {alpha}."
            )
        self.temperature_, self.alpha_ = float(temperature), float(alpha)
        # A dict travels through skorch's Dataset and DataLoader row by row,
        # so each batch keeps the soft and the hard part of its own rows.
        return {"soft": y.astype(np.float32, copy=False), "hard": hard}

    def _set_classes(self, classes):
        # A ``classes`` parameter given to the constructor wins (skorch's
        # ``classes_`` property returns it); otherwise the data decide.
        if self.classes is None or not len(self.classes):
            self.classes_inferred_ = classes

    def _class_indices(self, y):
        classes = np.asarray(self.classes_)
        order = np.argsort(classes, kind="stable")
        positions = np.clip(np.searchsorted(classes, y, sorter=order), 0, len(classes) - 1)
        indices = order[positions]
        unknown = classes[indices] != y
        if np.any(unknown):
            raise ValueError(
                f"y contains labels {np.unique(y[unknown]).tolist()} that are not in "
                f"classes_ {classes.tolist()}."
            )
        return indices.astype(np.int64)

    def get_params_for(self, prefix):
        """skorch's init arguments of a component, plus module sizes taken from the data.

        A module class whose constructor has ``n_features`` or ``n_classes``
        gets them from the data seen by ``fit``, unless the user set
        ``module__n_features`` / ``module__n_classes``.

        Parameters
        ----------
        prefix : str
            Component name, e.g. ``"module"``.

        Returns
        -------
        kwargs : dict
            Keyword arguments for the component.
        """
        params = super().get_params_for(prefix)
        if prefix == "module" and inspect.isclass(self.module):
            accepted = inspect.signature(self.module).parameters
            inferred = {"n_features": getattr(self, "n_features_in_", None)}
            if hasattr(self, "classes_inferred_") or self.classes is not None:
                inferred["n_classes"] = len(self.classes_)
            for name, value in inferred.items():
                if name in accepted and value is not None:
                    params.setdefault(name, value)
        return params

    def get_split_datasets(self, X, y=None, **fit_params):
        """skorch's train/validation split; soft targets are stratified on their class.

        Parameters
        ----------
        X : array-like
            Training rows.
        y : array-like or dict, default=None
            Encoded targets.
        **fit_params : dict
            Passed to ``train_split``.

        Returns
        -------
        dataset_train, dataset_valid : Dataset
            ``dataset_valid`` is None without ``train_split``.
        """
        if not isinstance(y, dict) or not self.train_split:
            return super().get_split_datasets(X, y, **fit_params)
        return self.train_split(self.get_dataset(X, y), _target_class_index(y), **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Cross-entropy on class indices, :func:`distillation_loss` on soft targets.

        Parameters
        ----------
        y_pred : torch.Tensor
            Module output of the batch.
        y_true : torch.Tensor or dict
            Class indices, or ``{"soft": ..., "hard": ...}``.
        X : input data, default=None
            The batch.
        training : bool, default=False
            Whether in training mode.

        Returns
        -------
        loss : torch.Tensor
            Scalar loss.
        """
        if not isinstance(y_true, dict):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        logits = _first_output(y_pred)
        if isinstance(self.criterion_, nn.NLLLoss):  # skorch's probability-output modules
            logits = torch.log(logits + torch.finfo(logits.dtype).eps)
        return distillation_loss(
            logits,
            y_true["soft"].to(self.device),
            y_true["hard"].to(self.device),
            temperature=self.temperature_,
            alpha=self.alpha_,
        )

    @contextlib.contextmanager
    def _random_context(self):
        if self.random_state is None:
            yield
            return
        if isinstance(self.random_state, Integral):
            seed = int(self.random_state)
        else:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        devices = []
        if str(self.device).startswith("cuda") and torch.cuda.is_available():
            devices = [torch.device(self.device).index or torch.cuda.current_device()]
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            yield

    # ----------------------------------------------------------- predicting
    def infer(self, x, **fit_params):
        """Run the module on a batch, cast to float32 first (see skorch's ``infer``).

        Parameters
        ----------
        x : input data
            A batch.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        output : torch.Tensor
            The module's output.
        """
        return super().infer(_as_float32(x), **fit_params)

    def forward_iter(self, X, training=False, device="cpu"):
        """Yield module outputs batch by batch (see skorch's ``forward_iter``).

        An array or tensor ``X`` is cut into contiguous slices of
        ``predict_batch_size`` rows and run directly, which is much faster
        than skorch's row-by-row data loader; other inputs, training mode and
        custom datasets or iterators use skorch's way.

        Parameters
        ----------
        X : input data
            Rows.
        training : bool, default=False
            Whether to run in training mode.
        device : str, default="cpu"
            Where to put the outputs.

        Yields
        ------
        output : torch.Tensor
            Output of one batch.
        """
        sliceable = isinstance(X, (np.ndarray, torch.Tensor)) and X.ndim >= 1
        loader_options = set(self.get_params_for("iterator_valid")) - {"batch_size"}
        default_loader = (
            self.dataset is _SkorchDataset
            and self.iterator_valid is torch.utils.data.DataLoader
            and not loader_options
        )
        if training or not sliceable or not default_loader:
            yield from super().forward_iter(X, training=training, device=device)
            return
        self.check_is_fitted()
        self._set_training(False)
        step = self.get_params_for("iterator_valid").get("batch_size", self.predict_batch_size)
        if step == "auto":
            step = 4096 if str(self.device).startswith("cuda") else 128
        step = len(X) if step == -1 else max(int(step), 1)
        with torch.no_grad():
            for start in range(0, X.shape[0], step):
                yield to_device(self.infer(X[start : start + step]), device)

    def predict(self, X):
        """Predicted class labels (``classes_[argmax(predict_proba(X))]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Class labels.
        """
        return np.asarray(self.classes_)[np.argmax(self.predict_proba(X), axis=1)]

    def predict_logits(self, X):
        """Logits ``z`` of the rows, with ``predict_proba(X) == softmax(z)``.

        skmetamorph's labeling uses this to apply a temperature to the logits
        themselves: float32 probabilities of a confident net round to exactly
        0, after which no temperature can bring back the ranking of the other
        classes. For a module with a non-softmax output nonlinearity this is
        ``log(predict_proba(X))``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows.

        Returns
        -------
        logits : ndarray of shape (n_samples, n_classes)
            Logits, float32.
        """
        nonlinearity = self._get_predict_nonlinearity()
        outputs = [_first_output(out) for out in self.forward_iter(X, training=False)]
        output = torch.cat(outputs) if outputs else torch.zeros(0, len(self.classes_))
        if not _is_softmax(nonlinearity):
            with np.errstate(divide="ignore"):
                return np.log(to_numpy(nonlinearity(output)))
        return to_numpy(output)


def _skorch_logits_method(net):
    """For :func:`skmetamorph._labeling.teacher_proba`: logits of a plain skorch net.

    Returns a callable ``X -> logits`` when the net's predict nonlinearity is a
    softmax (criterion ``CrossEntropyLoss``), else None (the probabilities are
    all there is).
    """
    if not _is_softmax(net._get_predict_nonlinearity()):
        return None
    return functools.partial(_skorch_logits, net)


def _skorch_logits(net, X):
    outputs = [_first_output(out) for out in net.forward_iter(X, training=False)]
    return to_numpy(torch.cat(outputs))
