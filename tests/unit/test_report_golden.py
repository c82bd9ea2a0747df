"""Golden reports: one scripted session per report language, compared with a stored file.

The stored reports in ``tests/golden/`` are the specification of what organizers receive:
read them by eye after any change. Regenerate them with ``UPDATE_GOLDEN=1 pytest
tests/test_report_golden.py`` and review the diff before committing.

The scripts below are also used by the other report tests (live file, command, speed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pendulum
import pytest

from moderator.programme import Programme, load_programme
from moderator.report import render_report
from moderator.session.clock import FakeClock
from moderator.session.engine import Engine
from moderator.session.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

Script = Callable[[Engine, FakeClock], None]


# ----------------------------------------------------------------------------- the sessions


def play_workshop(engine: Engine, clock: FakeClock) -> None:
    """The GSEF2021 workshop in English: runs late, a pause, extra time, all four sections used."""
    clock.advance(30)  # starts 30 s after the printed 18:00
    engine.start()
    engine.tick_cue(0, 0)
    engine.tick_cue(0, 1)
    clock.advance(80)
    engine.next()  # introduction of the moderator
    engine.add_note("Welcome to the GSEF2021 workshop: four speakers from four continents")
    engine.set_participants(38)
    clock.advance(290)
    engine.next()  # introduction of the session
    engine.tick_cue(2, 0)
    engine.add_note("Main question read out; participants invited to post their questions in the chat")
    clock.advance(320)
    engine.next()  # Kim
    engine.add_note("SSEGOV: association of Korean local governments for the social economy")
    engine.add_note('"Local governments are the first partners of the social economy."')
    engine.add_note("Priority #1: map SSE actors city by city (see the *SSEGOV* atlas)")
    clock.advance(660)  # one minute over
    engine.next()  # Leyton
    engine.add_note("WISE model: municipal incubators for social inclusive cooperatives in Chile")
    engine.add_note("Partners: CSAL (Turin) and CEPES (Spain)")
    engine.add_note("! Document the incubator model so that other municipalities can replicate it")
    clock.advance(570)
    engine.next()  # Luyiga
    engine.add_note("SENECA brings together SSE organizations in East and Central Africa")
    engine.pause()  # his connection dropped
    clock.advance(120)
    engine.resume()
    engine.add_note("5 of the 10 poorest countries in the world are in the region")
    clock.advance(610)
    engine.next()  # Van Den Borre
    engine.adjust(120)
    engine.add_note("Fab City: locally productive, globally connected cities")
    engine.add_note("75% of people will live in cities by 2050 (UN projections)")
    engine.add_note('"Make the city a place where things are made again."')
    clock.advance(700)
    engine.next()  # discussion
    engine.add_note("The moderator opens with one reaction from each speaker")
    clock.advance(60)
    engine.ask_next_question()  # r1 q1
    engine.add_note("@kim Networks give small municipalities expertise they could not afford alone")
    engine.add_note("@leyton Universities act as neutral conveners between cities and cooperatives")
    clock.advance(360)
    engine.ask_next_question()  # r1 q2
    engine.add_note("Public procurement is the strongest lever a government has")
    engine.add_note("@luyiga In Kampala the division council co-funds SSE training\nwith the national government")
    clock.advance(420)
    engine.ask_next_question()  # r2 q1
    engine.add_note("@vandenborre Alliances with companies need a shared way to measure impact")
    clock.advance(660)
    engine.next()  # Q&A
    engine.add_note("? How can small cooperatives join international networks without funding?")
    engine.add_note("@luyiga SENECA membership is free for grassroots groups")
    typo = engine.add_note("? Is ther a directory of Fab City initiatives in Latin America")
    engine.edit_note(typo.id, "? Is there a directory of Fab City initiatives in Latin America?")
    mistake = engine.add_note("wrong session, ignore")
    engine.delete_note(mistake.id)
    engine.add_note("! Share the speakers' contact list with participants after the session")
    clock.advance(600)
    engine.next()  # closing
    engine.add_note("@kim Keep building bridges between cities")
    engine.add_note('@vandenborre "Cooperation is not a luxury: it is how we recover."')
    engine.set_participants(45)
    clock.advance(200)
    engine.tick_cue(9, 1)  # the group photo
    clock.advance(130)
    engine.end()


def play_diesis(engine: Engine, clock: FakeClock) -> None:
    """The DIESIS session in Spanish, with notes taken from the organizers' filled-in report (seed 004)."""
    clock.advance(60)
    engine.start()
    engine.add_note("Grabación iniciada")
    engine.tick_cue(0, 1)
    clock.advance(120)
    engine.next()  # bienvenida
    engine.set_participants(27)
    clock.advance(180)
    engine.next()  # Samuel: DIESIS y SILK
    engine.add_note("SILK")
    engine.add_note("Tema de la PLP: Internacionalización")
    engine.add_note("proceso que implica flujos multilaterales de bienes, servicios, recursos financieros y "
                    "activos intangibles dentro de las organizaciones y entre ellas, así como entre países")
    engine.add_note("objetivos de aprendizaje:\n- desarrollar la internacionalización de las organizaciones "
                    "de la ESS\n- implementar el aprendizaje entre pares")
    engine.add_note("partenariado: américa, europa, pocos de asia y de áfrica")
    clock.advance(630)
    engine.next()  # Paula
    engine.add_note("ACCIO: delegación en casablanca, londres y dubai y cubre casi todos países del mundo")
    engine.add_note("apoyo comercial, no es una delegacion politica - hace 3 años")
    engine.add_note("cofinanciada por la generalitat (75%) y la empresa el resto")
    clock.advance(540)
    engine.next()  # Victor
    engine.add_note("diálogo transatlántico en materia de economía social con Estados Unidos, América Latina "
                    "y Asia\n\nun plan de acción europeo de economía social: la internacionalización es una "
                    "de sus prioridades")
    engine.add_note('"No solamente somos una herencia: somos el futuro."')
    clock.advance(600)
    engine.next()  # Camila
    engine.add_note("Un poco por la experiencia de Mondragón: organizaciones que operan más allá de sus fronteras")
    engine.add_note("Equal exchange nació en Estados Unidos en 1983")
    engine.add_note("coopcycle: una plataforma tecnológica digital, alrededor de 15 países")
    clock.advance(615)
    engine.next()  # Mariana
    engine.add_note("INAES forma parte de la economía social en México: se estima que existen "
                    "aproximadamente 61000 de estos organismos")
    engine.add_note("el 64% son mujeres")
    engine.add_note("! proponer una modificación de la ley mexicana para los trabajadores independientes")
    clock.advance(660)
    engine.next()  # debate
    engine.ask_question("principal", 0)
    engine.add_note("@victor el nivel local es donde se construye la confianza")
    engine.add_note("@mariana formar a los colectivos antes de internacionalizarlos")
    clock.advance(600)
    engine.ask_question("principal", 1)
    engine.add_note("@paula los gobiernos locales pueden abrir sus delegaciones exteriores a la ESS")
    clock.advance(540)
    engine.next()  # preguntas
    engine.add_note("? Para participar en el proyecto SILK desde América Latina, ¿a quién hay que dirigirse?")
    engine.add_note("@moderador la convocatoria se abrirá en enero")
    clock.advance(560)
    engine.next()  # cierre
    engine.add_note('@camila "Aprender de los errores de los demás."')
    engine.tick_cue(9, 0)
    clock.advance(290)
    engine.end()


def play_atelier(engine: Engine, clock: FakeClock) -> None:
    """A French workshop, still under way: a skipped Q&A and the report as the closing begins."""
    engine.start()
    clock.advance(150)
    engine.next()  # ouverture
    engine.add_note("Présentation des deux intervenant·es et de la question principale")
    clock.advance(300)
    engine.next()  # Awa Ndiaye
    engine.add_note("Dakar réserve 10 % de ses marchés publics aux structures de l'ESS")
    engine.add_note('"La commande publique est notre premier outil de transition."')
    clock.advance(800)
    engine.next()  # Marc Lefèvre
    engine.add_note("120 parcs solaires citoyens, dont 40 avec une collectivité au capital")
    engine.add_note("? Quel modèle juridique pour une SCIC avec une commune ?")
    clock.advance(690)
    engine.next()  # débat
    engine.ask_question("guides", 0)
    engine.add_note("@ndiaye le foncier public mis à disposition des coopératives")
    engine.add_note("@lefevre <les garanties d'emprunt> comptent plus que les subventions")
    clock.advance(900)
    engine.goto(6)  # the Q&A is skipped: time is short
    engine.add_note("! Créer un groupe de travail Dakar–Occitanie sur la commande publique")
    clock.advance(120)


def play_taller(engine: Engine, clock: FakeClock) -> None:
    """Issue 11 in Spanish: every kind of note, nested points, a shared slot, groups, the count, after the end."""
    engine.start()
    engine.log_entry("participantes: 31")
    engine.add_note("Presenta la sesión y a los ponentes")
    engine.add_note("@rapporteur la grabación empezó a las 16:02")
    clock.advance(300)
    engine.next()  # panel compartido: Paula y Andrés
    engine.add_note("Dos miradas complementarias sobre la internacionalización")
    engine.add_note("- la financiación llega tarde a las cooperativas pequeñas")
    engine.add_note("-- ¿Por qué las cooperativas no acceden a la banca? Andrés lo explica: faltan garantías")
    engine.add_note("@paula ACCIÓ: delegaciones en Casablanca, Londres y Dubái")
    engine.add_note("- @paula apoyo comercial, no político")
    engine.add_note('@andres "La banca ética presta a quien la banca clásica no ve"')
    engine.add_note("@andres «Confianza» es la palabra que más repite")
    clock.advance(900)
    engine.next()  # Mariana
    engine.add_note("INAES: unos 61000 organismos de economía social en México")
    engine.add_note("- el 64 % de los colectivos formados son mujeres")
    engine.add_note('!"Crear un fondo municipal de garantía"')
    engine.add_note("Pegado del chat:\nuna primera línea\nuna segunda línea 👩🏽\u200d💻")
    clock.advance(600)
    engine.next()  # grupos de trabajo
    engine.add_note('@"marcos" las ordenanzas municipales reconocen la ESS')
    engine.add_note("- @g1 falta una ley marco nacional")
    engine.add_note("@g3 un fondo de garantía compartido entre municipios")
    clock.advance(1200)
    engine.next()  # restitución
    engine.add_note("@planificacion la ESS entra en los planes estratégicos locales")
    engine.add_note("Los tres grupos coinciden en la falta de datos")
    clock.advance(900)
    engine.next()  # preguntas del público
    engine.add_note("? ¿Cómo se evalúa el impacto de un fondo de garantía?")
    engine.add_note("@andres con indicadores sociales además de los financieros")
    engine.add_note("Varias personas piden las diapositivas")
    clock.advance(600)
    engine.next()  # cierre
    engine.add_note("@moderador agradece a los grupos")
    engine.log_entry("participantes : 34")
    clock.advance(300)
    engine.end()
    clock.advance(60)
    engine.add_note("Tras el cierre, Mariana ofrece compartir el informe de INAES")
    engine.add_note("! Enviar el informe de INAES a los participantes")


def play_cocreation(engine: Engine, clock: FakeClock) -> None:
    """Issue 11 in English on the co-creation seed (003): shared slots, groups, nested points, after the end."""
    engine.start()
    clock.advance(300)
    engine.next()  # intro
    engine.log_entry("participants: 52")
    engine.add_note("Co-creation on the UNRISD/GSEF guidelines")
    clock.advance(600)
    engine.next()  # UNRISD and GSEF present the guidelines
    engine.add_note("The guidelines have eight blocks")
    engine.add_note("- legal and institutional frameworks come first")
    engine.add_note("-- then co-construction of public policies")
    engine.add_note('@gsef "Territories are where SSE lives"')
    clock.advance(1200)
    engine.next()  # case studies
    engine.add_note("@undp Case study: local economic development agencies")
    clock.advance(1500)
    engine.next()  # break-out groups
    engine.add_note("@g1 Most countries have no SSE law yet")
    engine.add_note("- @g1 Local ordinances fill the gap")
    engine.add_note('@"strategic" SSE is missing from local plans')
    engine.add_note('@"data" No shared indicators')
    clock.advance(3000)
    engine.next()  # restitution
    engine.add_note("@g6 Public procurement opens markets")
    engine.add_note('!"Publish the guidelines in Spanish and French"')
    clock.advance(1800)
    engine.next()  # closing
    engine.add_note("? Will the guidelines be tested in pilot territories?")
    clock.advance(600)
    engine.end()
    engine.add_note("Participants stayed on to exchange contacts")
    engine.log_entry("participants: 55")


@dataclass(frozen=True)
class Scenario:
    name: str
    programme_path: Path
    start: pendulum.DateTime
    play: Script

    def programme(self) -> Programme:
        return load_programme(self.programme_path)

    def run(self, *, journal: Journal | None = None,
            attach: Callable[[Engine], None] | None = None) -> Engine:
        """Play the session on a fake clock; ``attach`` subscribes listeners before the first command."""
        programme = self.programme()
        clock = FakeClock(self.start)
        engine = Engine.create(programme, clock, journal, programme_location=str(self.programme_path))
        if attach is not None:
            attach(engine)
        self.play(engine, clock)
        return engine

    def journal(self, path: Path) -> Path:
        """Play the session into a journal at ``path`` (closed after), as a console leaves one."""
        journal = Journal(path)
        self.run(journal=journal)
        journal.close()
        return path


SCENARIOS = {
    "en": Scenario("workshop-en", ROOT / "sessions" / "gsef2021-workshop-alliances.toml",
                   pendulum.datetime(2021, 10, 8, 9, 0, tz="UTC"), play_workshop),
    "es": Scenario("diesis-es", ROOT / "sessions" / "gsef2021-diesis-es.toml",
                   pendulum.datetime(2021, 10, 7, 12, 30, tz="UTC"), play_diesis),
    "fr": Scenario("atelier-fr", GOLDEN / "atelier-fr.toml",
                   pendulum.datetime(2021, 10, 1, 12, 0, tz="UTC"), play_atelier),
}


NOTE_SCENARIOS = {
    "es": Scenario("taller-es", GOLDEN / "taller-es.toml",
                   pendulum.datetime(2021, 10, 7, 14, 0, tz="UTC"), play_taller),
    "en": Scenario("cocreation-en", ROOT / "sessions" / "gsef2021-cocreation-2-3-2.toml",
                   pendulum.datetime(2021, 6, 1, 14, 5, tz="UTC"), play_cocreation),
}
"""Sessions with every kind of note (issue 11): nested points, groups, participants, after the end."""


def check_golden(name: str, text: str) -> None:
    """``text`` against the stored report; the checkout's own folder (in the JSON data's programme
    path) is stored as ``<checkout>``, so the golden holds wherever the repository lives."""
    text = text.replace(json.dumps(str(ROOT))[1:-1], "<checkout>")
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the stored report (UPDATE_GOLDEN=1 to regenerate, then review)"


# ----------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("language", sorted(SCENARIOS))
def test_markdown_report_matches_golden(language: str) -> None:
    scenario = SCENARIOS[language]
    engine = scenario.run()
    assert engine.programme.session.language == language
    check_golden(f"{scenario.name}.md", render_report(engine.programme, engine.state, "md"))


@pytest.mark.parametrize("fmt", ["html", "json"])
def test_other_formats_match_golden(fmt: str) -> None:
    scenario = SCENARIOS["en"]
    engine = scenario.run()
    text = render_report(engine.programme, engine.state, fmt)
    # The data names the programme by its path: the golden file must not depend on where the checkout is.
    check_golden(f"{scenario.name}.{fmt}", text.replace(str(ROOT), "<checkout>"))


def test_a_report_before_the_start_matches_golden() -> None:
    scenario = SCENARIOS["en"]
    programme = scenario.programme()
    engine = Engine.create(programme, FakeClock(scenario.start.subtract(minutes=10)), None)
    check_golden("workshop-en-not-started.md", render_report(programme, engine.state, "md"))


@pytest.mark.parametrize("language", sorted(NOTE_SCENARIOS))
def test_every_kind_of_note_lands_where_the_organizers_format_puts_it(language: str) -> None:
    scenario = NOTE_SCENARIOS[language]
    engine = scenario.run()
    assert engine.programme.session.language == language
    check_golden(f"{scenario.name}.md", render_report(engine.programme, engine.state, "md"))


def test_every_kind_of_note_in_html_keeps_nesting_and_line_breaks() -> None:
    scenario = NOTE_SCENARIOS["es"]
    engine = scenario.run()
    check_golden(f"{scenario.name}.html", render_report(engine.programme, engine.state, "html"))
