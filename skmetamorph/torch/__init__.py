"""PyTorch teachers and students through skorch.

This package is the glue between skmetamorph and neural networks. It is
imported only when used: ``import skmetamorph`` never imports torch, and this
package raises an :class:`ImportError` naming the extra to install
(``pip install "skmetamorph[torch]"``) when torch or skorch is missing.

What it provides:

- :class:`TorchClassifier`, a :class:`skorch.NeuralNetClassifier` that works on
  both sides of a metamorphosis: float64 input is cast to float32 batch by
  batch, any class labels are accepted, predictions run on slices of the input
  in large batches, ``random_state`` seeds torch, and as a student it trains on
  the teacher's soft labels with Hinton's loss.
- :func:`distillation_loss` and :class:`DistillationLoss`, the loss itself, for
  use in your own training code or as the criterion of a plain skorch net.
- :class:`HintLoss`, :class:`RKDDistanceLoss` and :class:`RKDAngleLoss`,
  the feature- and relation-based losses (FitNets hints, relational KD)
  that a :class:`TorchClassifier` student adds with its ``hint`` and
  ``relation`` parameters, on a teacher's activations from
  :meth:`TorchClassifier.transform`.
- :class:`SmallCNN` and :class:`MLP`, small default modules for flat rows of
  single-channel images and for tabular rows, and :class:`RandomAffine`, the
  random image moves (``SmallCNN(augment=True)``) that make a CNN teacher
  much stronger from few labels.

A plain ``skorch.NeuralNetClassifier`` works as a teacher as well (give it
float32 ``X`` and class labels ``0 .. n_classes - 1``); when its output is
logits (criterion ``CrossEntropyLoss``), the temperature is applied to the
logits. Plain skorch nets get their skmetamorph tags (logits as a teacher, one
epoch per chunk of a streamed fit) from a tag provider that importing this
package registers, and that an installed skmetamorph declares as an entry
point too. For a GPU, ``set_params(teacher__device="cuda")`` is all it takes.

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

# Checked before anything else of the package is imported, so that a missing
# optional dependency gives one message naming the extra, not a traceback
# from deep inside a submodule.
try:
    import skorch  # noqa: F401
    import torch  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "skmetamorph.torch needs PyTorch and skorch, which are optional dependencies of "
        "skmetamorph. From a checkout of the repository, install them with: "
        'pip install -e ".[torch]" (where a local CPU build of torch exists, install that '
        "version first, e.g. pip install torch==2.13.0, or pip fetches the CUDA build). "
        'From a published release: pip install "skmetamorph[torch]"'
    ) from exc

from ..utils import register_tag_provider
from ._augment import RandomAffine
from ._estimator import TorchClassifier
from ._losses import (
    DistillationLoss,
    HintLoss,
    RKDAngleLoss,
    RKDDistanceLoss,
    distillation_loss,
)
from ._modules import MLP, SmallCNN
from ._skorch import skorch_tags

__all__ = [
    "MLP",
    "DistillationLoss",
    "HintLoss",
    "RKDAngleLoss",
    "RKDDistanceLoss",
    "RandomAffine",
    "SmallCNN",
    "TorchClassifier",
    "distillation_loss",
]

# Plain skorch nets cannot declare their tags; register their provider here
# too, not only through the entry point, so it works from a source checkout
# that was never pip-installed.
register_tag_provider("skorch", skorch_tags)
