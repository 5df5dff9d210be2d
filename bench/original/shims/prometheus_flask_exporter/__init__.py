"""Stand-in for prometheus-flask-exporter 0.23 (on PyPI only, not in Debian), for bench/original.sh.

Does per request what the real PrometheusMetrics(app) does by default, with the Debian prometheus_client: a start
time in before_request, then in after_request a histogram observation (flask_http_request_duration_seconds, labels
method, path = the URL rule, status) and a counter (flask_http_request_total, labels method, status); exceptions
counted in flask_http_request_exceptions_total; GET /metrics serves the registry; info() is a gauge set to 1. So the
original under load pays about the per-request metrics cost it pays as deployed.
"""
import time

from flask import Response, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest


class PrometheusMetrics:
    def __init__(self, app=None, path="/metrics", **kwargs):
        self.path = path
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        duration = Histogram("flask_http_request_duration_seconds", "Flask HTTP request duration in seconds",
                             ("method", "path", "status"))
        total = Counter("flask_http_request_total", "Total number of HTTP requests", ("method", "status"))
        exceptions = Counter("flask_http_request_exceptions_total", "Total number of HTTP requests which resulted"
                             " in an exception", ("method", "status"))

        @app.before_request
        def _start_timer():
            request.prom_start_time = time.perf_counter()

        @app.after_request
        def _record(response):
            start = getattr(request, "prom_start_time", None)
            if start is not None:
                rule = request.url_rule.rule if request.url_rule is not None else request.path
                duration.labels(request.method, rule, response.status_code).observe(time.perf_counter() - start)
            total.labels(request.method, response.status_code).inc()
            return response

        @app.teardown_request
        def _teardown(exc):
            if exc is not None:
                exceptions.labels(request.method, 500).inc()

        def _metrics():
            return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

        app.add_url_rule(self.path, "prometheus_metrics", _metrics)

    def info(self, name, description, **labels):
        gauge = Gauge(name, description, tuple(labels))
        gauge.labels(**labels).set(1)
        return gauge
