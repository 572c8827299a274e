"""Present: what a reader sees (charts, the HTML report, exports, Make.org's shape,
the method's text, the summary, provenance). Never imported by the layers below."""
