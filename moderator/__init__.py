"""moderator: a terminal console for moderators, rapporteurs and organizers of live sessions.

The core (programme, plan, engine, journal, report) never imports Textual; the console
lives in ``moderator.tui``.
"""

__version__ = "0.1.0"
