"""Sharing a session with people who are not at the console.

``web/`` holds the static pages (stage and backstage views) that the host's web server sends as
they are: plain HTML, CSS and ES2020 modules with no build step and no external assets, so they
work on a LAN with no internet and under a Content-Security-Policy that forbids inline code.
The pages get display snapshots over a WebSocket and compute the countdown themselves from the
segment's deadline and a measured offset to the host's clock.
"""
