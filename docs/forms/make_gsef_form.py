"""Write ``gsef-report-form.docx``: GSEF's rapporteur form (seed 004) with the placeholders
``moderator report --format docx --template`` fills (docs/report-template.md).

The organizers would start from their own Word file and type the placeholders into it; this
script only makes the example reproducible: ``python docs/forms/make_gsef_form.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

GREEN = RGBColor(0x2E, 0x7D, 0x32)


def make(path: Path) -> None:
    word = Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(22)
    letterhead = word.add_paragraph()
    letterhead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = letterhead.add_run("Local Governments and Social Economy:\nco-creation of paths for a green and inclusive economy")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(15), GREEN
    forum = word.add_paragraph()
    forum.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = forum.add_run("GSEF Global Virtual Forum\n4-8 October 2021")
    run.bold, run.font.size = True, Pt(12)
    word.add_heading("Report format", level=1)
    rows = [
        ("Title of the session", "{{ info.title }}"),
        ("Type of session", "{{ info.type }}"),
        ("Language", "{{ info.language }}"),
        ("Date", "{{ info.date }}"),
        ("Time", "{{ info.time }} ({{ info.zone }})"),
        ("Participants", "{{ info.participants }}"),
        ("Rapporteur", "{{ info.rapporteur }}"),
    ]
    table = word.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    word.add_heading("Name of moderator", level=2)
    word.add_paragraph("{{ info.moderator }}{% if info.moderator_organization %} ({{ info.moderator_organization }}){% endif %}")
    word.add_heading("Speakers", level=2)
    word.add_paragraph("{%p for s in speakers %}")
    word.add_paragraph("{{ s.name }}{% if s.organization %} — {{ s.organization }}{% endif %}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Main question", level=2)
    word.add_paragraph("{{ main_question }}")
    word.add_heading("Summary of presentations:", level=2)
    word.add_paragraph("{%p for p in presentations %}")
    word.add_paragraph("{{ p.heading }}", style="List Bullet")
    word.add_paragraph("{%p for point in p.points %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet 2")
    word.add_paragraph("{%p endfor %}")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Discussion", level=2)
    word.add_paragraph("{%p for q in questions %}")
    word.add_paragraph("{{ q.number or '' }}{% if q.number %}. {% endif %}{{ q.heading }}", style="List Bullet")
    word.add_paragraph("{%p for point in q.points %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet 2")
    word.add_paragraph("{%p endfor %}")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Questions from the audience", level=2)
    word.add_paragraph("{%p for point in audience %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Key messages", level=2)
    word.add_paragraph("{%p for point in key_messages %}")
    word.add_paragraph("{{ point.text }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Way forward", level=2)
    word.add_paragraph("{%p for point in way_forward + actions %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Closing remarks", level=2)
    word.add_paragraph("{%p for point in closing %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Other notes", level=2)
    word.add_paragraph("{%p for point in sections.other + sections.after_end %}")
    word.add_paragraph("{{ point.indent }}{{ point.text }}", style="List Bullet")
    word.add_paragraph("{%p endfor %}")
    word.add_heading("Screenshots of the zoom session", level=2)
    word.add_paragraph("(preferably gallery view with all the participants, so please take a minute before closing "
                       "the session to ask all the participants to turn on their videos and take a group photo. "
                       "This can be also used for the video recording later.)").runs[0].italic = True
    word.save(str(path))


if __name__ == "__main__":
    make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("gsef-report-form.docx"))
