"""What the page tests read from an AppTest run (charts, metrics, plotly arrays)."""

from __future__ import annotations

import base64
import json

import numpy as np


def charts_of(at) -> list[dict]:
    """Every plotly chart of the page, as its JSON spec."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def metrics_of(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def values(array) -> list:
    """A plotly array from a chart spec: a plain list, or a typed array in base64
    ({"dtype": ..., "bdata": ...}, as plotly 6 writes numpy arrays)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)
