"""Deployment files the platform writes for an operator: the nginx site in front of gunicorn
(nginx-site.conf, `python -m footprint nginx-config`)."""
from __future__ import annotations

import os
from pathlib import Path

SITE_TEMPLATE = Path(__file__).with_name("nginx-site.conf")


def nginx_site(*, listen: str, upstream: str, cache_dir: str) -> str:
    """The nginx site for the app served at `upstream` (host:port of gunicorn), answering on
    `listen` (a port, or address:port) and caching the public verify answers in `cache_dir`."""
    text = SITE_TEMPLATE.read_text(encoding="utf-8")
    for name, value in (("listen", listen), ("upstream", upstream), ("cache_dir", cache_dir)):
        if not value or any(c in value for c in ";{}\n\"' "):
            raise ValueError(f"{name}: {value!r} is not a plain nginx value")
        text = text.replace("{" + name + "}", value)
    return text


def nginx_main(site: str, folder: Path) -> str:
    """A whole nginx.conf running `site` as an ordinary user from `folder` (its pid, logs and
    temporary files there): for tests and benchmarks, not for production, where the site goes
    into the system's nginx."""
    folder = folder.resolve()
    # as root nginx would hand its workers to "nobody", who cannot write in the folder
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""
