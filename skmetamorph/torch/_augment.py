"""Random image moves while a network trains: :class:`RandomAffine`.

A network trained on few labeled images learns much more when every epoch
sees them moved a little (shifted, turned, scaled): the moves are the
invariances of the task, and the network cannot memorise pixels that never
stay put. The moves are made inside the module, on each training batch, so
they cost no memory, are new in every epoch and apply to pseudo-labeled rows
of a self-training teacher as well; in evaluation mode (prediction, labeling
a transfer set) the module passes its input through unchanged, like dropout.

The transfer samplers of :mod:`skmetamorph.samplers` (``ImageShiftSampler``,
``ImageRotationSampler``, ``ElasticDistortionSampler``) make moved copies for
the *student's* training set; this module moves the *teacher's* training rows.
"""

import math
from numbers import Integral, Real

import torch
import torch.nn.functional as F
from torch import nn


def _finite_real(name, value):
    """``value`` as a float, or a TypeError naming ``name`` if it is not a finite real."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite real number; got {value!r}.")
    return float(value)


def _check_image_shape(image_shape):
    """``image_shape`` as a ``(height, width)`` tuple of ints, or a ValueError naming it.

    Only whole numbers are sizes: ``8.5`` (or ``8.0``, or the string ``"8"``) is
    refused rather than truncated. numpy integers are accepted.
    """
    try:
        shape = tuple(image_shape)
    except TypeError:
        shape = None
    if (
        shape is None
        or isinstance(image_shape, str)
        or len(shape) != 2
        or not all(isinstance(n, Integral) and not isinstance(n, bool) and n >= 1 for n in shape)
    ):
        raise ValueError(
            f"image_shape must be (height, width) with positive ints; got {image_shape!r}."
        )
    return tuple(int(n) for n in shape)


def _check_range(name, value, upper=None):
    """A finite real in ``[0, upper)`` (``[0, inf)`` without ``upper``), as a float."""
    number = _finite_real(name, value)
    if number < 0 or (upper is not None and number >= upper):
        bound = f"in [0, {upper})" if upper is not None else ">= 0"
        raise ValueError(f"{name} must be {bound}; got {value!r}.")
    return number


class RandomAffine(nn.Module):
    """Move each training image by a random shift, rotation and scale (identity in eval mode).

    In training mode every image of a batch gets its own move, drawn
    uniformly: a shift of up to ``max_shift`` pixels along each axis, a
    rotation of up to ``max_rotation`` degrees either way and a zoom by a
    factor in ``[1 - max_scale, 1 + max_scale]``, about the image's centre,
    with bilinear interpolation and zeros (``fill``) where the moved image
    uncovers its border. In evaluation mode it returns its input as it is.
    The images must be a floating-point tensor (bilinear moves make
    fractional pixels): integer or bool images raise a TypeError in training
    mode rather than being rounded or cast; convert them first, e.g.
    ``X.float() / 255``.
    The draws use torch's random generator, so
    :class:`~skmetamorph.torch.TorchClassifier`'s ``random_state`` makes them
    reproducible.

    Parameters
    ----------
    image_shape : tuple of (int, int)
        Height and width of the images, positive ints (``8.5`` or ``8.0`` is
        refused, not truncated); rows of the input are flattened
        images in C order (the layout of MNIST's 784 columns) or images of
        shape ``(n, 1, height, width)``. A batch whose rows do not hold
        ``height * width`` values raises a ValueError naming ``image_shape``.
    max_shift : float, default=2.0
        Largest shift in pixels, drawn separately for each axis. Any finite
        value works: pixels moved in from beyond the image are ``fill``, and
        shifts of over 2**20 half-images are clamped to that (the image is
        out of the frame either way), so ``1e300`` gives ``fill``, not NaN.
    max_rotation : float, default=10.0
        Largest rotation in degrees, either way (below 180).
    max_scale : float, default=0.1
        Largest relative change of size (below 1).
    fill : float, default=0.0
        Value of the pixels moved in from outside the image (MNIST's
        background is 0).

    See Also
    --------
    SmallCNN : Its ``augment`` parameter puts this module in front of the network.
    skmetamorph.samplers.ImageShiftSampler : Shifted copies for a transfer set.

    Examples
    --------
    >>> import torch
    >>> from skmetamorph.torch import RandomAffine
    >>> move = RandomAffine((28, 28), max_shift=2.0)
    >>> X = torch.rand(4, 784)
    >>> bool(torch.equal(move.eval()(X), X))  # evaluation: unchanged
    True
    >>> move.train()(X).shape  # training: moved, same shape
    torch.Size([4, 784])
    """

    def __init__(self, image_shape, max_shift=2.0, max_rotation=10.0, max_scale=0.1, fill=0.0):
        super().__init__()
        self.image_shape = _check_image_shape(image_shape)
        self.max_shift = _check_range("max_shift", max_shift)
        self.max_rotation = _check_range("max_rotation", max_rotation, upper=180.0)
        self.max_scale = _check_range("max_scale", max_scale, upper=1.0)
        self.fill = _finite_real("fill", fill)

    def extra_repr(self):
        """The settings, shown in the module's ``repr``."""
        return (
            f"image_shape={self.image_shape}, max_shift={self.max_shift}, "
            f"max_rotation={self.max_rotation}, max_scale={self.max_scale}, fill={self.fill}"
        )

    def forward(self, X):
        """Moved images of a batch in training mode, the batch itself in evaluation mode.

        Parameters
        ----------
        X : torch.Tensor of shape (n, height * width) or (n, 1, height, width)
            The batch.

        Returns
        -------
        X_moved : torch.Tensor
            Of ``X``'s shape and dtype.

        Raises
        ------
        TypeError
            In training mode, if ``X`` is not a floating-point tensor: moved
            pixels are interpolated, so integer (or bool) images are refused
            rather than rounded or silently turned to float; convert them
            first, e.g. ``X.float() / 255``.
        ValueError
            In training mode, if a row of ``X`` does not hold
            ``height * width`` values of ``image_shape``.
        """
        if not self.training:
            return X
        height, width = self.image_shape
        if X.dim() == 0 or math.prod(X.shape[1:]) != height * width:
            raise ValueError(
                f"RandomAffine(image_shape={self.image_shape}) needs rows of "
                f"{height * width} values (flat {height}x{width} images, or shape "
                f"(n, 1, {height}, {width})); got a batch of shape {tuple(X.shape)}. "
                "Set image_shape to the images' (height, width)."
            )
        if not torch.is_floating_point(X):
            raise TypeError(
                f"RandomAffine moves floating-point images; got a tensor of dtype {X.dtype}. "
                "Convert the images first, e.g. X.float() (or X.float() / 255 for 0-255 pixels)."
            )
        n = X.shape[0]
        if n == 0:
            return X
        images = X.reshape(n, 1, height, width)

        def uniform(size, bound):
            return (torch.rand(size, device=X.device, dtype=X.dtype) * 2 - 1) * bound

        angle = uniform(n, math.radians(self.max_rotation))
        zoom = 1 + uniform(n, self.max_scale)
        # affine_grid maps output points to source points in [-1, 1] units, so
        # the rotation and zoom are inverted (source = R(-a) / zoom) and a
        # shift of s pixels along an axis of size m is 2 s / m.
        cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
        # A shift beyond 2**20 half-images (or what X's dtype can hold) puts every
        # pixel outside the frame (fill) as surely as a longer one: clamping
        # each drawn shift there keeps huge max_shift values (1e300) from
        # becoming inf, then NaN, in float32. Shorter shifts: the same draws as ever.
        cap = min(2.0**20, torch.finfo(X.dtype).max / 4)

        def shift(extent):
            bound = 2 * self.max_shift / extent
            if bound <= cap:
                return uniform(n, bound)
            drawn = uniform(n, 1.0).double() * self.max_shift * (2 / extent)
            return drawn.clamp(-cap, cap).to(X.dtype)

        shift_x = shift(width)
        shift_y = shift(height)
        theta = torch.stack(
            [
                torch.stack([cos, -sin, shift_x], dim=1),
                torch.stack([sin, cos, shift_y], dim=1),
            ],
            dim=1,
        )
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        if self.fill:
            # grid_sample pads with zeros: move (image - fill) and add fill back.
            moved = F.grid_sample(images - self.fill, grid, align_corners=False) + self.fill
        else:
            moved = F.grid_sample(images, grid, align_corners=False)
        return moved.reshape(X.shape)
