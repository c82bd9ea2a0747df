"""Every word the report prints that does not come from the programme or the notes.

One table per report language (``[session].language``): English, Spanish and French.
Each table has exactly the same keys (a test checks it), so a heading can never fall
back to English in a Spanish or French report. ``{placeholders}`` are filled with
``str.format``; French spacing before ``:`` and inside guillemets uses no-break spaces.

``SEGMENT_KIND_LABELS`` names each kind of segment in English, for the console and the
calendar export, which show the same words.
"""

from __future__ import annotations

from moderator.programme.model import SegmentKind

NBSP = "\u00a0"

SEGMENT_KIND_LABELS: dict[str, str] = {
    SegmentKind.CHECK: "Connection check",
    SegmentKind.INTRO: "Introduction",
    SegmentKind.SPEAKER: "Speaker",
    SegmentKind.DISCUSSION: "Discussion",
    SegmentKind.QA: "Q&A",
    SegmentKind.BREAK: "Break",
    SegmentKind.BREAKOUT: "Break-out groups",
    SegmentKind.CLOSING: "Closing",
    SegmentKind.OTHER: "Segment",
}
"""One name per kind (every ``SegmentKind`` has one; a test checks it). Keyed by the ``StrEnum``,
so a plain ``"speaker"`` finds its name too."""

EN: dict[str, str] = {
    "report_title": "Rapporteur's report",
    "rehearsal_notice": "Rehearsal: this is not the report of the live session.",
    # header table
    "title": "Title of the session",
    "event": "Event",
    "type": "Type of session",
    "language": "Language",
    "date": "Date",
    "time_in": "Time ({zone})",
    "audience": "Target audience",
    "platform": "Platform",
    "actual_start": "Actual start",
    "actual_end": "Actual end",
    "participants": "Participants",
    "moderator": "Moderator",
    "rapporteur": "Rapporteur",
    "not_recorded": "not recorded",
    "not_started": "not started",
    "in_progress": "in progress",
    "lang_en": "English",
    "lang_es": "Spanish",
    "lang_fr": "French",
    # people and purpose
    "speakers": "Speakers",
    "col_name": "Name",
    "col_role": "Role",
    "col_organization": "Organization",
    "col_country": "Country",
    "col_topic": "Topic",
    "main_question": "Main question",
    "objectives": "Objectives",
    # notes
    "summary": "Summary of presentations",
    "moderator_tag": "moderator",
    "no_notes": "No notes.",
    "discussion": "Discussion",
    "asked_at": "asked at {time}",
    "not_asked": "not asked",
    "question_for": "(for {name})",
    "discussion_other": "Notes without a guiding question",
    "audience_questions": "Questions from the audience",
    "closing": "Closing remarks",
    "actions": "Actions and recommendations",
    "other_notes": "Other notes",
    "before_start": "Before the start",
    "segment_n": "Segment {n}",
    # timing
    "timing": "Timing",
    "times_in": "Times of day are in the {zone} time zone.",
    "col_number": "#",
    "col_segment": "Segment",
    "col_planned_start": "Planned start",
    "col_planned": "Planned",
    "col_actual_start": "Actual start",
    "col_actual": "Actual",
    "col_difference": "Difference",
    "allowed": "allowed {duration}",
    "status_skipped": "skipped",
    "status_upcoming": "not reached",
    "status_current": "under way",
    "total": "Total",
    "planned_end": "Planned end",
    "projected_end": "Projected end",
    "behind": "{duration} behind schedule",
    "ahead": "{duration} ahead of schedule",
    "on_time": "on schedule",
    "pauses": "Pauses",
    # screenshots
    "screenshots": "Screenshots and group photo",
    "screenshots_reminder": (
        "Screenshots of the online session (preferably gallery view with all the participants): "
        "take a minute before closing the session to ask all the participants to turn on their "
        "videos and take a group photo. It can also be used for the video recording later."
    ),
    "cue_done": "done at {time}",
    "cue_not_done": "not done",
    "no_photo_cue": "No cue in the programme mentions the group photo or screenshots.",
    # footer
    "footer_final": "Final report, generated from the session journal (last event: no. {events}, at {time}).",
    "footer_live": "Report in progress, rewritten after every event (last event: no. {events}, at {time}).",
    # typography
    "colon": ": ",
    "quote_open": "“",
    "quote_close": "”",
    "date_format": "D MMMM YYYY",
}

ES: dict[str, str] = {
    "report_title": "Informe de relatoría",
    "rehearsal_notice": "Ensayo: este no es el informe de la sesión en directo.",
    "title": "Título de la sesión",
    "event": "Evento",
    "type": "Tipo de sesión",
    "language": "Idioma",
    "date": "Fecha",
    "time_in": "Hora ({zone})",
    "audience": "Público destinatario",
    "platform": "Plataforma",
    "actual_start": "Inicio real",
    "actual_end": "Fin real",
    "participants": "Participantes",
    "moderator": "Moderación",
    "rapporteur": "Relatoría",
    "not_recorded": "sin registrar",
    "not_started": "sin comenzar",
    "in_progress": "en curso",
    "lang_en": "inglés",
    "lang_es": "español",
    "lang_fr": "francés",
    "speakers": "Ponentes",
    "col_name": "Nombre",
    "col_role": "Cargo",
    "col_organization": "Organización",
    "col_country": "País",
    "col_topic": "Tema",
    "main_question": "Pregunta principal",
    "objectives": "Objetivos",
    "summary": "Resumen de las presentaciones",
    "moderator_tag": "moderación",
    "no_notes": "Sin notas.",
    "discussion": "Debate",
    "asked_at": "planteada a las {time}",
    "not_asked": "no planteada",
    "question_for": "(para {name})",
    "discussion_other": "Notas sin pregunta guía",
    "audience_questions": "Preguntas del público",
    "closing": "Conclusiones y cierre",
    "actions": "Acciones y recomendaciones",
    "other_notes": "Otras notas",
    "before_start": "Antes del comienzo",
    "segment_n": "Parte {n}",
    "timing": "Control del tiempo",
    "times_in": "Las horas se indican en la zona horaria {zone}.",
    "col_number": "N.º",
    "col_segment": "Parte",
    "col_planned_start": "Inicio previsto",
    "col_planned": "Previsto",
    "col_actual_start": "Inicio real",
    "col_actual": "Real",
    "col_difference": "Diferencia",
    "allowed": "asignado {duration}",
    "status_skipped": "omitida",
    "status_upcoming": "no alcanzada",
    "status_current": "en curso",
    "total": "Total",
    "planned_end": "Fin previsto",
    "projected_end": "Fin estimado",
    "behind": "{duration} de retraso",
    "ahead": "{duration} de adelanto",
    "on_time": "a la hora prevista",
    "pauses": "Pausas",
    "screenshots": "Capturas de pantalla y foto de grupo",
    "screenshots_reminder": (
        "Capturas de pantalla de la sesión en línea (preferiblemente en vista de galería con todas las "
        "personas participantes): antes de cerrar la sesión, tómese un minuto para pedir a todas las "
        "personas participantes que enciendan la cámara y hacer una foto de grupo. También podrá usarse "
        "más adelante para la grabación en vídeo."
    ),
    "cue_done": "hecho a las {time}",
    "cue_not_done": "sin hacer",
    "no_photo_cue": "Ninguna indicación del programa menciona la foto de grupo ni las capturas de pantalla.",
    "footer_final": (
        "Informe final, generado a partir del diario de la sesión (último evento: n.º {events}, a las {time})."
    ),
    "footer_live": "Informe en curso, reescrito tras cada evento (último evento: n.º {events}, a las {time}).",
    "colon": ": ",
    "quote_open": "«",
    "quote_close": "»",
    "date_format": "D [de] MMMM [de] YYYY",
}

FR: dict[str, str] = {
    "report_title": "Rapport de session",
    "rehearsal_notice": f"Répétition{NBSP}: ce n’est pas le rapport de la session en direct.",
    "title": "Titre de la session",
    "event": "Événement",
    "type": "Type de session",
    "language": "Langue",
    "date": "Date",
    "time_in": "Heure ({zone})",
    "audience": "Public visé",
    "platform": "Plateforme",
    "actual_start": "Début effectif",
    "actual_end": "Fin effective",
    "participants": "Participants",
    "moderator": "Modération",
    "rapporteur": "Rapporteur",
    "not_recorded": "non renseigné",
    "not_started": "pas commencée",
    "in_progress": "en cours",
    "lang_en": "anglais",
    "lang_es": "espagnol",
    "lang_fr": "français",
    "speakers": "Intervenant·es",
    "col_name": "Nom",
    "col_role": "Fonction",
    "col_organization": "Organisation",
    "col_country": "Pays",
    "col_topic": "Sujet",
    "main_question": "Question principale",
    "objectives": "Objectifs",
    "summary": "Résumé des interventions",
    "moderator_tag": "modération",
    "no_notes": "Aucune note.",
    "discussion": "Débat",
    "asked_at": "posée à {time}",
    "not_asked": "non posée",
    "question_for": "(pour {name})",
    "discussion_other": "Notes hors questions guides",
    "audience_questions": "Questions du public",
    "closing": "Remarques de clôture",
    "actions": "Actions et recommandations",
    "other_notes": "Autres notes",
    "before_start": "Avant le début",
    "segment_n": "Séquence {n}",
    "timing": "Minutage",
    "times_in": "Les heures sont données dans le fuseau horaire {zone}.",
    "col_number": "N°",
    "col_segment": "Séquence",
    "col_planned_start": "Début prévu",
    "col_planned": "Prévu",
    "col_actual_start": "Début effectif",
    "col_actual": "Effectif",
    "col_difference": "Écart",
    "allowed": "accordé {duration}",
    "status_skipped": "sautée",
    "status_upcoming": "non atteinte",
    "status_current": "en cours",
    "total": "Total",
    "planned_end": "Fin prévue",
    "projected_end": "Fin estimée",
    "behind": "{duration} de retard",
    "ahead": "{duration} d’avance",
    "on_time": "à l’heure",
    "pauses": "Pauses",
    "screenshots": "Captures d’écran et photo de groupe",
    "screenshots_reminder": (
        f"Captures d’écran de la session en ligne (de préférence en vue galerie avec tous les "
        f"participants){NBSP}: avant de clore la session, prenez une minute pour demander à tous les "
        f"participants d’allumer leur caméra et faites une photo de groupe. Elle pourra aussi servir "
        f"plus tard pour l’enregistrement vidéo."
    ),
    "cue_done": "fait à {time}",
    "cue_not_done": "pas fait",
    "no_photo_cue": "Aucun rappel du programme ne mentionne la photo de groupe ni les captures d’écran.",
    "footer_final": (
        f"Rapport final, établi à partir du journal de la session (dernier événement{NBSP}: "
        f"n°{NBSP}{{events}}, à {{time}})."
    ),
    "footer_live": (
        f"Rapport en cours, réécrit après chaque événement (dernier événement{NBSP}: "
        f"n°{NBSP}{{events}}, à {{time}})."
    ),
    "colon": f"{NBSP}: ",
    "quote_open": f"«{NBSP}",
    "quote_close": f"{NBSP}»",
    "date_format": "D MMMM YYYY",
}

LABELS: dict[str, dict[str, str]] = {"en": EN, "es": ES, "fr": FR}
"""Report language code -> label key -> text."""
