"""The words of the pages a rapporteur and a co-moderator open in a browser, as gettext msgids.

The pages carry no words of their own beyond an English fallback: the host sends these, in the
session's language, in the display snapshot of the rapporteur and co-moderator links (``labels``),
so a Spanish session's rapporteur sees no English word. The keys are the pages' (``seat_common.js``).
"""

from __future__ import annotations

STAGE_PRESETS = ("2 minutes left", "Please wrap up", "Time is up", "Louder please", "Look at the chat")
"""The built-in messages to the stage (the console's ``m`` and the controller): shown in the session's
language, then the programme's own ``[session] messages``."""

SEAT_WORDS: dict[str, str] = {
    # the rapporteur's page
    "your_name": "Your name",
    "name_why": "The report credits your notes to this name.",
    "continue": "Continue",
    "note_box": "Type a note: Enter sends it, Shift+Enter starts a new line",
    "send": "Send",
    "notes": "Notes",
    "sending": "sending",
    "saved": "saved",
    "refused": "refused",
    "correct": "Correct",
    "delete": "Delete",
    "save": "Save",
    "cancel": "Cancel",
    "online": "online",
    "offline_waiting": "offline: {n} waiting",
    "all_saved": "all notes saved",
    "waiting": "{n} waiting",
    "note_saved": "Note saved",
    "note_refused": "Note refused: {reason}",
    "you": "you",
    "question_now": "Question being discussed",
    "on_stage": "On stage",
    "time_left": "Time left",
    "lands_point": "point",
    "lands_point_for": "point for {name}",
    "lands_action": "action or recommendation",
    "lands_question": "audience question",
    "lands_quote": "quote",
    "lands_sub": "sub-point",
    "lands_subsub": "sub-sub-point",
    "lands_group": "group {name}",
    "lands_participants": "number of participants: {n}",
    "lands_on_question": "on question {n}",
    "seat_unknown": "The host does not know this page's seat any more.",
    "join_again": "Join again as a new seat",
    "seat_elsewhere": "This link is open in another window or tab.",
    "use_here": "Use it here",
    "no_notes": "No notes yet.",
    "edited": "corrected",
    # the co-moderator's controller
    "controller": "Co-moderator",
    "start": "Start",
    "pause": "Pause",
    "resume": "Resume",
    "previous": "Previous",
    "plus_minute": "+1 min",
    "minus_minute": "−1 min",
    "go_to": "Go to",
    "questions": "Questions",
    "ask_next": "Mark the next question asked",
    "asked": "asked",
    "cues": "Cues",
    "messages": "Messages to the stage",
    "own_words": "Your own words",
    "show": "Show",
    "clear_message": "Clear the message",
    "flash": "Flash the stage",
    "stop_flash": "Stop flashing",
    "blackout": "Black out the stage",
    "end_blackout": "End the blackout",
    "end_session": "End the session",
    "end_confirm": "End the session now?",
    "end_yes": "Yes, end it",
    "stage_shows": "The stage shows",
    "stage_nothing": "no message",
    "stage_flashing": "flashing",
    "stage_black": "black",
    "done_press": "Done",
    "refused_reason": "Refused: {reason}",
    "offline_no_commands": "offline: buttons wait for the host",
}
"""English as the msgid; ``page_snapshot`` sends them translated, with ``PAGE_WORDS``."""
