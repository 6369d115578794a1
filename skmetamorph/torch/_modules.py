"""Small default networks: :class:`SmallCNN` for flat image rows, :class:`MLP` for tables.

Both return logits and take ``n_features`` / ``n_classes`` constructor
arguments, which :class:`~skmetamorph.torch.TorchClassifier` fills from the
data it is fitted on.
"""

import numpy as np
from torch import nn

from ._augment import RandomAffine, _check_image_shape


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
        Height and width, positive ints (``(8.5, 8)`` raises a ValueError
        rather than being truncated). ``None``: a square image of
        ``n_features`` pixels, else 28x28.
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
    augment : bool or dict, default=False
        Move the training images at random in every batch (shift, rotation,
        scale; see :class:`RandomAffine`), the cheapest way to a stronger
        network from few labels. ``True`` uses :class:`RandomAffine`'s
        defaults (2 pixels, 10 degrees, 10%), a dict sets its parameters
        (``max_shift``, ``max_rotation``, ``max_scale``, ``fill``). Prediction
        is never augmented. With a :class:`TorchClassifier`:
        ``module__augment=True``.

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
        augment=False,
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
        # Whole positive sizes only: (8.5, 8) is refused, not truncated to (8, 8).
        height, width = _check_image_shape(image_shape)
        if n_features is not None and height * width != n_features:
            raise ValueError(
                f"image_shape={tuple(image_shape)} has {height * width} pixels but rows "
                f"have {n_features} features."
            )
        self.image_shape = (height, width)
        if isinstance(augment, dict):
            self.augment = RandomAffine(self.image_shape, **augment)
        elif augment is True:
            self.augment = RandomAffine(self.image_shape)
        elif augment is False or augment is None:
            self.augment = nn.Identity()
        else:
            raise TypeError(
                f"augment must be True, False or a dict of RandomAffine parameters; got "
                f"{augment!r}."
            )
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
        images = self.augment(X.reshape(-1, 1, *self.image_shape))
        return self.classifier(self.features(images))


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
