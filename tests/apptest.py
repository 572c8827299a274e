"""How the page tests open a page with AppTest, and what they read from the run
(charts, metrics, texts, plotly arrays)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
# What the sidebar keeps in the session; any other parameter goes into the address.
SIDEBAR = ("c", "lang", "gender", "age", "region", "w")


def open_page(page: str, *, timeout: float = 120, **params) -> AppTest:
    """app.py run once, then `page` (e.g. "pages/timeline.py"), with the sidebar's
    choices in the session and the other parameters in the address; no exception."""
    st.cache_data.clear()       # the catalogue of consultations is cached (ttl 30 s)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in params.items():
        if key in SIDEBAR:
            at.session_state[key] = value
        else:
            at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at) -> str:
    """Everything written on the page (markdown, captions, infos), escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


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


def title_of(spec: dict) -> str:
    """A drawn chart's title on one line: the page wraps long titles at a phone's width
    (analytics.present.charts.style.title_changes, tested on its own)."""
    return spec["layout"]["title"]["text"].replace("<br>", " ")
