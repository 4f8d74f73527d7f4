"""The one place ONNX Runtime sessions are created: CPU, threads from config, quiet logs."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from kiosk.errors import ModelError


def create_session(path: Path, threads: int = 0) -> ort.InferenceSession:
    """A CPU inference session for ``path``.

    threads: intra-op threads; 0 lets ONNX Runtime use one per physical core.
    """
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(0, int(threads))
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3  # errors only: the kiosk's own log says what matters
    # No busy-waiting between operators: spinning intra-op threads keep both cores of a small kiosk
    # busy between inferences, starving the camera and UI threads (the kiosk window's longest UI
    # stall went from ~50-120 ms to ~20 ms, and recognition got faster, on a loaded 2-core machine).
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for bad files
        raise ModelError(f"{path}: ONNX Runtime cannot load this model ({exc})") from exc
