"""TorchClassifier: a skorch classifier that works as teacher and as student.

It declares its skmetamorph capabilities with ``__skmetamorph_tags__``
(soft targets with distillation, one epoch per streamed chunk, logits); how
the core uses them is documented in :mod:`skmetamorph.utils`.
"""

import contextlib
import inspect
from collections.abc import Mapping
from numbers import Integral, Number

import numpy as np
import skorch
import torch
from scipy import sparse
from sklearn import get_config
from sklearn.utils import (
    assert_all_finite,
    check_array,
    check_consistent_length,
    check_random_state,
)
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch import NeuralNetClassifier
from skorch.callbacks import EpochScoring
from skorch.dataset import Dataset as _SkorchDataset
from skorch.utils import to_device, to_numpy
from torch import nn

from ..utils import MetamorphTags
from ._features import capture, check_rows, find_layer, layer_names
from ._losses import (
    HintLoss,
    RKDAngleLoss,
    RKDDistanceLoss,
    _check_temperature_alpha,
    distillation_loss,
)
from ._skorch import _first_output, _is_softmax, _module_output


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


def _cuda_state():
    # device_count() is 0 without CUDA; neither call initialises CUDA.
    return (
        f"torch.cuda.is_available() is {torch.cuda.is_available()}, "
        f"torch.cuda.device_count() is {torch.cuda.device_count()}"
    )


def _check_device(device):
    """Fail early, and clearly, on a device that this machine does not have.

    torch itself only fails once the first tensor moves, deep inside
    ``initialize`` or the first batch, with a message that names neither the
    parameter nor what is available. ``None`` (skorch: leave tensors where
    they are) and any CPU device always pass.
    """
    if device is None:
        return
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device ({str(exc).splitlines()[0]}); use "
            f"'cpu', 'cuda' or 'cuda:<index>' ({_cuda_state()})."
        ) from None
    if parsed.type in ("cpu", "meta"):
        return
    cuda_state = _cuda_state()
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} needs a CUDA GPU, but {cuda_state} (no GPU, or a "
                "CPU-only build of PyTorch); use device='cpu'."
            )
        count = torch.cuda.device_count()
        if parsed.index is not None and parsed.index >= count:
            raise ValueError(
                f"device={device!r} does not exist: torch.cuda.device_count() is {count}, "
                f"so the CUDA devices are 'cuda:0' to 'cuda:{count - 1}'."
            )
        return
    # Other accelerators (mps, xpu, ...): ask torch's module of that name, when
    # it has one; what torch cannot tell us is left to torch.
    backend = getattr(torch.backends, parsed.type, None) if parsed.type == "mps" else None
    backend = backend or getattr(torch, parsed.type, None)
    is_available = getattr(backend, "is_available", None)
    if callable(is_available) and not is_available():
        raise ValueError(
            f"device={device!r} is not available on this machine "
            f"(torch reports no {parsed.type!r} device); use device='cpu' ({cuda_state})."
        )


def _is_table(X):
    """A pandas (or polars) DataFrame or Series, told apart without importing pandas."""
    return not isinstance(X, (np.ndarray, Mapping)) and (
        hasattr(X, "iloc") or (hasattr(X, "columns") and hasattr(X, "dtypes"))
    )


def _is_rows(X):
    """A list or tuple of rows of Python values (scikit-learn's array-like).

    skorch reads a list of arrays or tensors as several inputs of the module;
    that case is left to skorch.
    """
    return isinstance(X, (list, tuple)) and (not X or isinstance(X[0], (list, tuple, Number)))


#: Prefix of the keys of the encoded targets that hold a teacher layer's
#: activations (flat keys: skorch's Dataset indexes a dict of arrays row by row).
_FEATURE_KEY = "teacher:"


def _target_class_index(y):
    """Class index per row of encoded targets: the true class, else the soft argmax."""
    if isinstance(y, dict) and "soft" not in y:  # class labels with teacher features
        return to_numpy(y["hard"])
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
    - **input checks**: like any scikit-learn estimator it validates ``X``
      (see *Input validation* below) and fails early on a ``device`` this
      machine does not have.

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

        What the same seed guarantees: on the CPU, two fits on the same data
        give identical weights and predictions. On a CUDA device, ``fit``
        also asks cuDNN for deterministic algorithms (and turns off its
        benchmark mode) while it trains, and puts both settings back
        afterwards; other GPU kernels (atomic adds in some backward passes,
        scatter and index operations) stay nondeterministic, so two fits
        can still differ by rounding, about 1e-7 in the probabilities.
        Bit-identical GPU fits need
        :func:`torch.use_deterministic_algorithms` ``(True)`` (and, for
        cuBLAS, the environment variable
        ``CUBLAS_WORKSPACE_CONFIG=:4096:8``), which this class leaves to you
        as it slows training down and makes some operations raise.
    verbose : int, default=0
        skorch's epoch table is printed when 1; quiet by default like
        scikit-learn estimators.
    hint : tuple of (str, str) or None, default=None
        FitNets hint (Romero et al. 2015): ``(student_layer, teacher_layer)``,
        names of ``module_.named_modules()`` of this net and of the teacher.
        The student layer, through a learned regressor (``hint_loss_``, a
        :class:`HintLoss`: 1x1 convolution or linear), is trained to match
        the teacher layer's activations, given to ``fit`` as
        ``teacher_features``.
    hint_weight : float >= 0, default=1.0
        Weight of the hint's MSE next to the logit term.
    hint_epochs : int >= 0, default=0
        FitNets' first stage: in :meth:`fit`, this many epochs on the hint
        alone (the student up to its guided layer and the regressor) before
        the ``max_epochs`` of the whole loss. Not applied by ``partial_fit``.
    relation : tuple of (str, str) or None, default=None
        Relational KD (Park et al. 2019): ``(student_layer, teacher_layer)``
        whose embeddings' distances and angles within each batch the student
        reproduces (:class:`RKDDistanceLoss`, :class:`RKDAngleLoss`).
    rkd_distance_weight : float >= 0, default=25.0
        Weight of the RKD distance term (the paper's value).
    rkd_angle_weight : float >= 0, default=50.0
        Weight of the RKD angle term (the paper's value).
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
        Class labels, the columns of ``predict_proba``: the ``classes``
        parameter when set, else the classes of the data.
    n_features_in_ : int
        Number of features seen during fit. Set for 2-D input (array,
        DataFrame, sparse matrix, list of rows, tensor); absent for other
        input (a ``Dataset``, a dict, images of more dimensions).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit. Only set when ``X`` was a
        DataFrame whose column names are all strings.
    temperature_ : float
        Temperature of the soft-target loss of the last fit (1.0 for hard
        labels).
    alpha_ : float
        Weight of the true labels of the last fit (1.0 for hard labels).
    hint_loss_ : HintLoss
        With ``hint``: the loss and its trained regressor. Not part of
        ``module_``: never used to predict, not counted in its parameters.
    module_ : torch.nn.Module
        The trained network (skorch's attribute), and the rest of skorch's
        fitted attributes (``history_``, ``optimizer_``, ...).

    See Also
    --------
    distillation_loss : The loss used for soft targets.
    skmetamorph.MetamorphosisClassifier : Uses this as teacher or student.

    Notes
    -----
    **Input validation.** Like a scikit-learn estimator, :meth:`fit`,
    :meth:`partial_fit`, :meth:`predict`, :meth:`predict_proba` and
    :meth:`predict_logits` check ``X`` with
    :func:`sklearn.utils.validation.validate_data` when it is a 2-D array, a
    DataFrame, a sparse matrix or a list of rows: NaN or infinity raise a
    ``ValueError``, prediction on a different number of features than
    ``fit`` saw raises a ``ValueError`` naming both, and a DataFrame is
    converted to a float32 array (its string column names are recorded in
    ``feature_names_in_`` and checked at prediction as scikit-learn does).
    A torch tensor gets the same checks without leaving its device; arrays
    of more than two dimensions are checked for NaN and infinity only.
    Inputs that only skorch understands (a ``Dataset``, a dict of inputs, a
    list of input arrays) are passed on as they are. Prediction before
    ``fit`` raises :class:`~sklearn.exceptions.NotFittedError`. The test
    for NaN and infinity costs one pass over ``X`` (a sum, no copy);
    ``sklearn.config_context(assume_finite=True)`` skips it, as for any
    scikit-learn estimator.

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

    def __init__(
        self,
        module,
        *args,
        criterion=nn.CrossEntropyLoss,
        train_split=None,
        predict_batch_size="auto",
        random_state=None,
        verbose=0,
        hint=None,
        hint_weight=1.0,
        hint_epochs=0,
        relation=None,
        rkd_distance_weight=25.0,
        rkd_angle_weight=50.0,
        **kwargs,
    ):
        kwargs.setdefault("iterator_train__shuffle", True)
        super().__init__(
            module, *args, criterion=criterion, train_split=train_split, verbose=verbose, **kwargs
        )
        self.predict_batch_size = predict_batch_size
        self.random_state = random_state
        self.hint = hint
        self.hint_weight = hint_weight
        self.hint_epochs = hint_epochs
        self.relation = relation
        self.rkd_distance_weight = rkd_distance_weight
        self.rkd_angle_weight = rkd_angle_weight

    def __skmetamorph_tags__(self):
        """The skmetamorph capability tags of this net (see :mod:`skmetamorph.utils`).

        As a student it trains on probability targets and weighs the true
        class against the teacher's soft labels itself (:meth:`fit` takes
        ``hard_targets``, ``temperature`` and ``alpha``), and a streamed fit
        trains one epoch per chunk (``partial_fit(..., epochs=1)``), since a
        pass over the whole transfer set is the epoch. As a teacher its
        logits are :meth:`predict_logits`.

        This method takes precedence over the tag provider of plain skorch
        nets, so it sets every tag itself.

        Returns
        -------
        tags : skmetamorph.utils.MetamorphTags
            A new object on each call.

        Examples
        --------
        >>> from skmetamorph.torch import MLP, TorchClassifier
        >>> from skmetamorph.utils import get_metamorph_tags
        >>> tags = get_metamorph_tags(TorchClassifier(MLP))
        >>> tags.student.soft_targets, tags.student.distillation
        (True, True)
        """
        tags = MetamorphTags()
        tags.student.soft_targets = True
        tags.student.distillation = True
        tags.student.partial_fit_params = {"epochs": 1}
        tags.student.teacher_layers = self._teacher_layers()
        tags.teacher.logits = self.predict_logits
        return tags

    def _teacher_layers(self):
        """Teacher layers that ``hint`` and ``relation`` name, each once, in that order."""
        names = []
        for pair in (self.hint, self.relation):
            if isinstance(pair, (tuple, list)) and len(pair) == 2 and isinstance(pair[1], str):
                names.append(pair[1])
        return tuple(dict.fromkeys(names))

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
        self,
        X,
        y,
        *,
        classes=None,
        hard_targets=None,
        temperature=1.0,
        alpha=1.0,
        teacher_features=None,
        **fit_params,
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
            With probability targets: the class label of each column (default:
            the ``classes`` parameter when set, else ``0 .. n_classes - 1``).
            When the ``classes`` parameter is set too, it fixes the order of
            ``classes_`` and the columns are reordered to match; it must hold
            the same labels. With labels: all classes, in case some are
            missing from ``y`` (ignored when the ``classes`` parameter is set).
        hard_targets : array-like of shape (n_samples,), default=None
            With probability targets: the column index of each row's true
            class (a column of ``y``, as named by ``classes``), ``-1`` for
            rows without one (the transfer set).
        temperature : float > 0, default=1.0
            With probability targets: temperature of the soft term.
        alpha : float in [0, 1], default=1.0
            With probability targets: weight of the true class on rows that
            have one (see :func:`distillation_loss`).
        teacher_features : dict of str to array-like, default=None
            With ``hint`` or ``relation``: the teacher's activations of each
            teacher layer they name, ``{teacher_layer: A}`` with ``A`` of shape
            ``(n_samples, *layer_shape)`` (what ``teacher.transform(X,
            layer=teacher_layer)`` returns) or flattened to ``(n_samples,
            prod(layer_shape))``, rows in the order of ``X``. A flat ``A``
            gets a linear hint regressor; pass conv maps in their shape for a
            1x1-convolution one. Other layers in the dict are ignored.
        **fit_params : dict
            Passed on to skorch (the module's ``forward`` and ``train_split``).

        Returns
        -------
        self : TorchClassifier
            The fitted net.

        Raises
        ------
        ValueError
            If ``X`` holds NaN or infinity, or has a different number of
            features than the last fit with ``warm_start=True``; if ``device``
            names a device this machine does not have; if ``temperature`` or
            ``alpha`` are out of range; if ``classes`` and the ``classes``
            parameter hold different labels; if ``hint`` or ``relation`` name
            a student layer that does not exist (the message lists those that
            do) or whose output cannot be matched to the teacher's; if
            ``teacher_features`` lacks a layer they need or has another number
            of rows than ``X``.
        """
        # Before any work: a missing GPU should not surface as a torch error
        # from deep inside initialize() or the first batch.
        _check_device(self.device)
        self._check_feature_params()
        fresh = not self.warm_start or not self.initialized_
        X = self._validate_X(X, reset=fresh or not hasattr(self, "n_features_in_"))
        targets = self._encode_targets(X, y, classes, hard_targets, temperature, alpha, reset=fresh)
        targets = self._add_teacher_features(X, targets, teacher_features)
        with self._random_context():
            if fresh:
                if "hint_loss_" in self.__dict__:
                    # The last fit's regressor would join the new optimizer.
                    del self.hint_loss_
                self.initialize()
            with self._feature_training(X, targets, rebuild=fresh) as state:
                if self.hint is not None and self.hint_epochs:
                    # FitNets' first stage: the student up to its guided
                    # layer, and the regressor, learn the hint alone.
                    state["stage"] = "hint"
                    self._train(X, targets, epochs=int(self.hint_epochs), **fit_params)
                    state["stage"] = None
                self._train(X, targets, **fit_params)
        return self

    def partial_fit(
        self,
        X,
        y,
        classes=None,
        *,
        hard_targets=None,
        temperature=1.0,
        alpha=1.0,
        teacher_features=None,
        **fit_params,
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
        teacher_features : dict of str to array-like, default=None
            The teacher's activations for ``hint`` and ``relation`` (see
            :meth:`fit`). ``hint_epochs`` does not apply: every call trains
            on the whole loss. The hint regressor is built by the first call
            that gets features and kept by later ones, whose features must
            have the same shape.
        **fit_params : dict
            Passed on to skorch.

        Returns
        -------
        self : TorchClassifier
            The updated net.

        Raises
        ------
        ValueError
            As :meth:`fit`; after the first call, also when ``X`` has another
            number of features than the first call's.
        """
        _check_device(self.device)
        # The features are fixed by the call that builds the module; classes
        # given to the constructor leave ``classes_inferred_`` unset, so
        # ``first`` can be true again later, but the module stays as built.
        X = self._validate_X(X, reset=not self.initialized_ or not hasattr(self, "n_features_in_"))
        first = not self.initialized_ or not hasattr(self, "classes_inferred_")
        self._check_feature_params()
        targets = self._encode_targets(X, y, classes, hard_targets, temperature, alpha, reset=first)
        targets = self._add_teacher_features(X, targets, teacher_features)
        with self._random_context(resume=not first and self.initialized_):
            fresh = not self.initialized_
            if fresh:
                self.initialize()
            with self._feature_training(X, targets, rebuild=fresh):
                skorch.NeuralNet.partial_fit(self, X, targets, **fit_params)
        return self

    def _train(self, X, targets, epochs=None, **fit_params):
        """Train an initialized net on encoded targets: skorch's ``partial_fit``, less its init.

        Neither of skorch's public entry points fits here: ``NeuralNet.fit``
        would call our :meth:`partial_fit` with targets encoded already, and
        ``NeuralNet.partial_fit`` resolves metadata routing for
        ``partial_fit``, not ``fit``. So this runs the body of skorch's
        ``partial_fit`` through public methods: ``fit_loop`` routes fit params
        as ``fit`` by default (skorch >= 1.4) and passes them to
        ``train_split`` and the module (skorch 1.0 - 1.3, without routing).
        """
        self.notify("on_train_begin", X=X, y=targets)
        try:
            self.fit_loop(X, targets, epochs=epochs, **fit_params)
        except KeyboardInterrupt:  # skorch's convention: Ctrl-C stops training, keeps the net
            pass
        self.notify("on_train_end", X=X, y=targets)
        return self

    # ------------------------------------------- feature-based distillation
    def _check_feature_params(self):
        """Validate ``hint``, ``relation``, their weights and ``hint_epochs`` before training."""
        for name in ("hint", "relation"):
            pair = getattr(self, name)
            if pair is not None and not (
                isinstance(pair, (tuple, list))
                and len(pair) == 2
                and all(isinstance(layer, str) for layer in pair)
            ):
                raise ValueError(
                    f"{name} must be None or a pair of layer names (student_layer, "
                    f"teacher_layer); got {pair!r}."
                )
        for name in ("hint_weight", "rkd_distance_weight", "rkd_angle_weight"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, Number)
                or not np.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"{name} must be a finite number >= 0; got {value!r}.")
        epochs = self.hint_epochs
        if isinstance(epochs, bool) or not isinstance(epochs, Integral) or epochs < 0:
            raise ValueError(f"hint_epochs must be an int >= 0; got {epochs!r}.")
        if epochs and self.hint is None:
            raise ValueError(
                f"hint_epochs={epochs} trains on a hint first, but hint is None; set "
                "hint=(student_layer, teacher_layer)."
            )

    def _add_teacher_features(self, X, targets, teacher_features):
        """Add the teacher's activations of the layers that ``hint``/``relation`` need.

        They join the encoded targets as keys ``"teacher:<layer>"``, so that
        skorch's data loader cuts them into the same batches as the rows.
        """
        needed = self._teacher_layers()
        if not needed:
            return targets
        uses = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("hint", "relation")
            if getattr(self, name) is not None
        )
        if teacher_features is None:
            raise ValueError(
                f"{uses} needs teacher_features={{layer: activations}} for the teacher "
                f"layers {list(needed)}: e.g. teacher.transform(X, layer={needed[0]!r}) "
                "for the rows of X."
            )
        if not isinstance(teacher_features, Mapping):
            raise TypeError(
                "teacher_features must be a dict {teacher_layer: activations}; got "
                f"{type(teacher_features).__name__}."
            )
        missing = [name for name in needed if name not in teacher_features]
        if missing:
            raise ValueError(
                f"teacher_features has no activations for the teacher layers {missing} that "
                f"{uses} needs; it has {list(teacher_features)}."
            )
        if targets is None:
            raise ValueError("teacher_features need targets y next to X.")
        n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
        encoded = dict(targets) if isinstance(targets, dict) else {"hard": targets}
        for name in needed:
            value = teacher_features[name]
            value = to_numpy(value) if isinstance(value, torch.Tensor) else value
            value = np.asarray(value, dtype=np.float32)
            if value.ndim < 2 or value.shape[0] != n_rows:
                raise ValueError(
                    f"teacher_features[{name!r}] has shape {value.shape}; it needs one row of "
                    f"activations per row of X ({n_rows} rows): shape ({n_rows}, ...)."
                )
            assert_all_finite(value, input_name=f"teacher_features[{name!r}]")
            encoded[_FEATURE_KEY + name] = value
        return encoded

    @contextlib.contextmanager
    def _feature_training(self, X, targets, *, rebuild):
        """Hooks on the student's hint and relation layers while it trains.

        Yields the state that :meth:`get_loss` reads (the captured
        activations and the training stage), and builds the hint regressor
        (a fresh one when ``rebuild``, else the last one if the shapes still
        match). Nothing is left on the net afterwards but the regressor.
        """
        if self.hint is None and self.relation is None:
            yield {}
            return
        student_layers = {}
        for name in ("hint", "relation"):
            pair = getattr(self, name)
            if pair is not None:
                find_layer(self.module_, pair[0], owner="student", parameter=f"{name}[0]")
                student_layers[pair[0]] = name
        with capture(self.module_, list(student_layers), owner="student") as captured:
            shapes = self._probe_student_layers(X, captured)
            if self.hint is not None:
                self._build_hint_loss(shapes[self.hint[0]], targets, rebuild)
            state = {"captured": captured, "stage": None}
            self._feature_state_ = state
            try:
                yield state
            finally:
                del self._feature_state_

    def _probe_student_layers(self, X, captured):
        """Row shapes of the captured student layers, from a forward pass on two rows."""
        rows = X[:2]
        n_rows = rows.shape[0] if hasattr(rows, "shape") else len(rows)
        training = self.module_.training
        self.module_.eval()
        try:
            with torch.no_grad():
                self.infer(rows)
        finally:
            self.module_.train(training)
        return {
            name: tuple(check_rows(output, n_rows, name).shape[1:])
            for name, output in captured.items()
        }

    def _build_hint_loss(self, student_shape, targets, rebuild):
        student_layer, teacher_layer = self.hint
        teacher_shape = tuple(targets[_FEATURE_KEY + teacher_layer].shape[1:])
        current = getattr(self, "hint_loss_", None)
        # Flat teacher rows of the same size fit the regressor too (its
        # forward reshapes them), so a streamed fit may pass either form.
        same = (
            current is not None
            and current.student_shape == student_shape
            and int(np.prod(current.teacher_shape)) == int(np.prod(teacher_shape))
        )
        if same and not rebuild:
            return
        if current is not None and not rebuild:
            raise ValueError(
                f"The hint regressor was built for student rows of shape "
                f"{current.student_shape} and teacher rows of shape {current.teacher_shape}; "
                f"these activations have shapes {student_shape} and {teacher_shape}."
            )
        hint_loss = HintLoss(student_shape, teacher_shape, names=(student_layer, teacher_layer))
        # A custom module of the net as skorch defines them (set inside the
        # "module" init context): it pickles with the net, follows it between
        # devices and its parameters are learnable. It is not part of
        # ``module_``, so predictions and parameter counts leave it out.
        with self._current_init_context("module"):
            self.hint_loss_ = hint_loss.to(self.device)
        # Rebuilt so that the optimizer trains the regressor too.
        self.initialize_optimizer()

    def _feature_loss(self, y_true, state):
        """Weighted hint and RKD terms of a batch (only the hint in FitNets' first stage)."""
        captured = state["captured"]
        loss = 0.0
        if self.hint is not None:
            student_layer, teacher_layer = self.hint
            teacher = y_true[_FEATURE_KEY + teacher_layer].to(self.device)
            loss = loss + self.hint_weight * self.hint_loss_(captured[student_layer], teacher)
        if self.relation is not None and state["stage"] != "hint":
            student_layer, teacher_layer = self.relation
            student = captured[student_layer]
            teacher = y_true[_FEATURE_KEY + teacher_layer].to(self.device)
            if self.rkd_distance_weight:
                loss = loss + self.rkd_distance_weight * RKDDistanceLoss()(student, teacher)
            if self.rkd_angle_weight:
                loss = loss + self.rkd_angle_weight * RKDAngleLoss()(student, teacher)
        return loss

    def check_data(self, X, y):
        """Leave ``classes_`` as :meth:`fit` set them (skorch would infer them from ``y``)."""
        if y is None:  # a Dataset holding its own targets: skorch's own checks
            super().check_data(X, y)

    def _validate_X(self, X, *, reset, min_samples=1):
        """Check ``X`` as a scikit-learn estimator would, where skorch would not.

        2-D arrays, DataFrames, sparse matrices and lists of rows go through
        :func:`~sklearn.utils.validation.validate_data` (NaN and infinity,
        ``n_features_in_`` and ``feature_names_in_``); a DataFrame becomes a
        float32 array, as skorch would otherwise pass its columns to
        ``forward`` as keyword arguments. Arrays keep their dtype (integer
        arrays may be token ids for an embedding; floats are cast to float32
        batch by batch) and are not copied. Tensors are checked on their
        device; other inputs are skorch's business.
        """
        if isinstance(X, torch.Tensor):
            return self._check_tensor(X, reset=reset)
        if isinstance(X, np.ndarray) and X.ndim > 2:
            # Images (n, channels, height, width) and the like: shape[1] is not
            # a number of features, so only the values are checked.
            if reset:
                self._forget_features()
            return check_array(
                X,
                dtype="numeric",
                allow_nd=True,
                ensure_min_samples=min_samples,
                input_name="X",
                estimator=self,
            )
        if isinstance(X, np.ndarray) or sparse.issparse(X) or _is_table(X) or _is_rows(X):
            table = _is_table(X)
            X = validate_data(
                self,
                X,
                reset=reset,
                accept_sparse=True,
                dtype=np.float32 if table else "numeric",
                ensure_min_samples=min_samples,
            )
            if table and not X.flags.writeable:
                # A float32 frame comes back as a read-only view of its data
                # (pandas' copy-on-write); torch warns on wrapping it in a tensor.
                X = X.copy()
            return X
        if reset:
            self._forget_features()
        return X

    def _forget_features(self):
        # A fit on input without features must not leave the last fit's.
        for name in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(name, None)

    def _check_tensor(self, X, *, reset):
        """The checks of ``validate_data`` on a tensor, without moving or copying it."""
        if X.ndim == 2:
            n_features = int(X.shape[1])
            if reset:
                self.n_features_in_ = n_features
                self.__dict__.pop("feature_names_in_", None)
            elif hasattr(self, "n_features_in_") and n_features != self.n_features_in_:
                raise ValueError(
                    f"X has {n_features} features, but {type(self).__name__} is expecting "
                    f"{self.n_features_in_} features as input."
                )
        elif reset:
            self._forget_features()
        # assume_finite: scikit-learn's switch to skip this pass over X.
        if X.is_floating_point() and X.numel() and not get_config()["assume_finite"]:
            with torch.no_grad():
                # One sum first (no copy); the element-wise test only when it
                # is not finite, which finite values can also cause by overflow.
                if not bool(torch.isfinite(X.sum())):
                    if bool(torch.isnan(X).any()):
                        raise ValueError(
                            f"Input X contains NaN. {type(self).__name__} does not accept "
                            "missing values encoded as NaN."
                        )
                    if bool(torch.isinf(X).any()):
                        raise ValueError("Input X contains infinity.")
        return X

    def _encode_targets(self, X, y, classes, hard_targets, temperature, alpha, reset):
        """Targets as the loss wants them: class indices, or a dict of soft and hard parts.

        Also records the classes that size the module. With probability
        targets, the columns (named by ``classes``, else taken to follow
        ``classes_``) are reordered to follow ``classes_``.
        """
        if y is None:
            return None
        y = to_numpy(y) if isinstance(y, torch.Tensor) else np.asarray(y)
        if hasattr(X, "shape") and len(getattr(X, "shape", ())) >= 1:
            check_consistent_length(X, y)
        if y.dtype.kind in "fc":
            assert_all_finite(y, input_name="y")
        if classes is not None:
            classes = np.asarray(classes)
            if len(np.unique(classes)) != len(classes):
                raise ValueError(f"classes must not repeat a label; got {classes.tolist()}.")
        if y.ndim == 1:
            if hard_targets is not None:
                raise ValueError("hard_targets goes with probability targets (2-D y), not labels.")
            if reset:
                self._set_classes(np.unique(y) if classes is None else np.asarray(classes))
            self.temperature_, self.alpha_ = 1.0, 1.0
            return self._class_indices(y)
        if y.ndim != 2:
            raise ValueError(f"y must be 1-D labels or 2-D probabilities; got shape {y.shape}.")
        temperature, alpha = _check_temperature_alpha(temperature, alpha)
        if reset:
            self._set_classes(np.arange(y.shape[1]) if classes is None else np.asarray(classes))
        columns = np.asarray(self.classes_ if classes is None else classes)
        if y.shape[1] != len(columns):
            raise ValueError(
                f"Probability targets have {y.shape[1]} columns but there are "
                f"{len(columns)} classes {columns.tolist()}."
            )
        if hard_targets is None:
            hard = np.full(y.shape[0], -1, dtype=np.int64)
        else:
            hard = np.asarray(hard_targets, dtype=np.int64)
            out_of_range = hard.max(initial=-1) >= y.shape[1] or hard.min(initial=-1) < -1
            if hard.shape != (y.shape[0],) or out_of_range:
                raise ValueError("hard_targets must hold one column index (or -1) per row of y.")
        y, hard = self._columns_to_classes(y, hard, columns)
        self.temperature_, self.alpha_ = temperature, alpha
        # A dict travels through skorch's Dataset and DataLoader row by row,
        # so each batch keeps the soft and the hard part of its own rows.
        return {"soft": y.astype(np.float32, copy=False), "hard": hard}

    def _columns_to_classes(self, y, hard, columns):
        """Reorder probability columns labeled ``columns`` to follow ``classes_``.

        ``classes_`` differs from ``columns`` when the constructor's
        ``classes`` fixed another order of the same labels (a metamorphosis
        passes its sorted ``classes_``); training on the columns as they come
        would teach the net a permutation of the classes. ``hard`` holds
        column indices of ``y`` and is mapped the same way.
        """
        classes = np.asarray(self.classes_)
        if len(columns) == len(classes) and np.array_equal(columns, classes):
            return y, hard
        position, unknown = self._positions(columns)
        if (
            len(columns) != len(classes)
            or np.any(unknown)
            or len(np.unique(position)) != len(classes)
        ):
            raise ValueError(
                f"The classes of the probability targets {columns.tolist()} are not the "
                f"classes of the net {classes.tolist()} (its `classes` parameter); both must "
                "hold the same labels, in any order."
            )
        reordered = np.empty_like(y)
        reordered[:, position] = y
        return reordered, np.where(hard >= 0, position[np.maximum(hard, 0)], -1)

    def _positions(self, values):
        """Index in ``classes_`` of each value, and a mask of values not in ``classes_``."""
        classes = np.asarray(self.classes_)
        order = np.argsort(classes, kind="stable")
        positions = np.clip(np.searchsorted(classes, values, sorter=order), 0, len(classes) - 1)
        indices = order[positions]
        return indices.astype(np.int64), classes[indices] != values

    def _set_classes(self, classes):
        # A ``classes`` parameter given to the constructor wins (skorch's
        # ``classes_`` property returns it); otherwise the data decide.
        if self.classes is None or not len(self.classes):
            self.classes_inferred_ = classes

    def _class_indices(self, y):
        indices, unknown = self._positions(y)
        if np.any(unknown):
            raise ValueError(
                f"y contains labels {np.unique(y[unknown]).tolist()} that are not in "
                f"classes_ {np.asarray(self.classes_).tolist()}."
            )
        return indices

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

        With ``hint`` or ``relation``, the weighted hint and RKD terms are
        added (in FitNets' first stage, ``hint_epochs``, the hint alone).

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
        state = self.__dict__.get("_feature_state_")
        with_features = (
            bool(state)
            and isinstance(y_true, dict)
            and any(key.startswith(_FEATURE_KEY) for key in y_true)
        )
        if with_features and state["stage"] == "hint":
            return self._feature_loss(y_true, state)
        loss = self._output_loss(y_pred, y_true, X=X, training=training)
        if with_features:
            loss = loss + self._feature_loss(y_true, state)
        return loss

    def _output_loss(self, y_pred, y_true, X=None, training=False):
        """The loss on the module's output: cross-entropy or :func:`distillation_loss`."""
        if isinstance(y_true, dict) and "soft" not in y_true:  # labels, with teacher features
            y_true = y_true["hard"]
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
    def _random_context(self, resume=False):
        """Torch's random state seeded from ``random_state``, torch's global state untouched.

        A series of ``partial_fit`` calls (a streamed fit) is one random
        stream: the first call starts it from the seed, and each later call
        (``resume=True``) goes on from where the previous one left it (the
        CPU generator's state is kept in ``_torch_rng_state``), so that the
        shuffles and dropout masks of a streamed fit are as reproducible as
        those of ``fit``, without every chunk repeating the same draws.
        """
        if self.random_state is None:
            yield
            return
        if isinstance(self.random_state, Integral):
            seed = int(self.random_state)
        else:
            seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        devices = []
        if str(self.device).startswith("cuda") and torch.cuda.is_available():
            index = torch.device(self.device).index
            devices = [torch.cuda.current_device() if index is None else index]
        with torch.random.fork_rng(devices=devices), self._deterministic_cudnn(bool(devices)):
            saved = getattr(self, "_torch_rng_state", None)
            if resume and saved is not None:
                torch.set_rng_state(saved)
            else:
                torch.manual_seed(seed)
            yield
            self._torch_rng_state = torch.get_rng_state()

    @staticmethod
    @contextlib.contextmanager
    def _deterministic_cudnn(enabled):
        """Deterministic cuDNN algorithms, no autotuning, while fitting with a seed on CUDA.

        Autotuning (``benchmark``) may pick a different convolution algorithm
        in each fit, and some cuDNN algorithms are nondeterministic; these two
        flags remove that source of differences between two seeded fits, at
        a small cost in speed. The rest of the GPU nondeterminism is left to
        ``torch.use_deterministic_algorithms`` (see ``random_state``). The
        flags are global, so they are put back afterwards. There is no GPU in
        the test suite's usual runs: this path is not covered there.
        """
        if not enabled:
            yield
            return
        cudnn = torch.backends.cudnn
        saved = cudnn.deterministic, cudnn.benchmark
        cudnn.deterministic, cudnn.benchmark = True, False
        try:
            yield
        finally:
            cudnn.deterministic, cudnn.benchmark = saved

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

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the net is not fitted (or initialized) yet.
        ValueError
            If ``X`` holds NaN or infinity or has another number of features
            than in ``fit``.
        """
        check_is_fitted(self)  # before classes_, which would raise AttributeError
        return np.asarray(self.classes_)[np.argmax(self.predict_proba(X), axis=1)]

    def predict_proba(self, X):
        """Class probabilities, one column per class in ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (anything skorch accepts; arrays, DataFrames, sparse matrices
            and tensors are validated first, see the class's Notes).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, float32.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the net is not fitted (or initialized) yet.
        ValueError
            If ``X`` holds NaN or infinity or has another number of features
            than in ``fit``.
        """
        X = self._validate_predict_X(X)
        if getattr(X, "ndim", 0) >= 1 and X.shape[0] == 0:
            # skorch would concatenate an empty list of batches and fail.
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        return super().predict_proba(X)

    def _validate_predict_X(self, X):
        check_is_fitted(self)
        # An empty X is allowed: it gets its (0, n_classes) result.
        return self._validate_X(X, reset=False, min_samples=0)

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

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the net is not fitted (or initialized) yet.
        ValueError
            If ``X`` holds NaN or infinity or has another number of features
            than in ``fit``.
        """
        X = self._validate_predict_X(X)
        nonlinearity = self._get_predict_nonlinearity()
        output = _module_output(self, X)
        if not _is_softmax(nonlinearity):
            with np.errstate(divide="ignore"):
                return np.log(to_numpy(nonlinearity(output)))
        return to_numpy(output)

    # ------------------------------------------------- a teacher's features
    def layer_names(self):
        """Names of the module's layers whose activations :meth:`transform` can return.

        Returns
        -------
        names : list of str
            ``module_.named_modules()`` names, in module order (the empty
            name ``""``, the whole module, is left out).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the net is not fitted (or initialized) yet.

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.torch import MLP, TorchClassifier
        >>> X, y = np.random.default_rng(0).normal(size=(20, 4)), np.arange(20) % 2
        >>> TorchClassifier(MLP, max_epochs=1).fit(X, y).layer_names()
        ['layers', 'layers.0', 'layers.1', 'layers.2']
        """
        check_is_fitted(self)
        return layer_names(self.module_)

    def transform(self, X, layer=None):
        """Activations of a named layer for each row: what a teacher hands a student.

        The module runs in evaluation mode on slices of ``predict_batch_size``
        rows (like :meth:`predict_proba`); a forward hook on the layer keeps
        its output of each slice, on the CPU, and drops everything else.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows (validated as in :meth:`predict_proba`).
        layer : str, default=None
            A name of :meth:`layer_names` (``module_.named_modules()``).
            ``None`` or ``""``: the module's own output (logits).

        Returns
        -------
        activations : ndarray of shape (n_samples,) + layer_shape, float32
            The layer's output per row (``layer_shape`` is
            :meth:`layer_output_shape`).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the net is not fitted (or initialized) yet.
        ValueError
            If the module has no layer ``layer`` (the message lists the
            names that exist), or its output is not a tensor of one row per
            input row; or if ``X`` is invalid as in :meth:`predict_proba`.

        Examples
        --------
        >>> import numpy as np
        >>> from skmetamorph.torch import MLP, TorchClassifier
        >>> X, y = np.random.default_rng(0).normal(size=(20, 4)), np.arange(20) % 2
        >>> net = TorchClassifier(MLP, module__hidden_units=(8,), max_epochs=1).fit(X, y)
        >>> net.transform(X, layer="layers.1").shape
        (20, 8)
        """
        X = self._validate_predict_X(X)
        name = "" if layer is None else layer
        find_layer(self.module_, name, owner="net", parameter="layer")
        n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
        if n_rows == 0:
            return np.zeros((0, *self.layer_output_shape(name)), dtype=np.float32)
        chunks = []
        with capture(self.module_, [name], owner="net") as captured:
            for output in self.forward_iter(X):
                activations = check_rows(captured.pop(name), len(_first_output(output)), name)
                chunks.append(to_numpy(activations.detach().float()))
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def layer_output_shape(self, layer=None, X=None):
        """Shape of one row of a layer's activations (without the rows dimension).

        Parameters
        ----------
        layer : str, default=None
            A name of :meth:`layer_names`; ``None``: the module's output.
        X : array-like, default=None
            A row to run (its first row is used). ``None``: a row of zeros of
            ``n_features_in_`` features.

        Returns
        -------
        shape : tuple of int
            E.g. ``(32, 7, 7)`` for a convolutional map, ``(64,)`` for a
            dense layer; ``transform(X, layer).reshape(len(X), -1)`` flattens
            it and ``.reshape(len(X), *shape)`` restores it.

        Raises
        ------
        ValueError
            As :meth:`transform`; also when ``X`` is None and the net saw no
            2-D input (no ``n_features_in_``).
        """
        check_is_fitted(self)
        if X is None:
            if not hasattr(self, "n_features_in_"):
                raise ValueError(
                    "layer_output_shape needs a row X: the net was not fitted on 2-D input, "
                    "so the shape of its rows is unknown."
                )
            X = np.zeros((1, self.n_features_in_), dtype=np.float32)
        return tuple(self.transform(X[:1], layer).shape[1:])
