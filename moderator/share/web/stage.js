// The stage view: a speaker's full-screen countdown. Counts by itself from the segment's deadline
// on the host's clock, so it stays exact when snapshots arrive late. Text goes in as text only.
import {
  HostLink, clockText, displayedSeconds, durationText, everyFrame, labelsFrom, levelFor, levelWord, remainingNow, setText,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const view = {
  main: $("stage"), position: $("segment-position"), title: $("segment-title"), connection: $("connection"),
  speakers: $("speakers"), countdown: $("countdown"), symbol: $("level-symbol"), word: $("level-word"),
  message: $("message"), next: $("next"), sound: $("sound"), flash: $("flash"), blackout: $("blackout"),
};
const SYMBOLS = { normal: "●", warn: "▲", danger: "◆", overtime: "■", paused: "‖", not_started: "○", ended: "■" };

let snapshot = null;
let labels = labelsFrom(null);
let linkState = "connecting";
let shown = { text: "", level: "", segment: null };
let messageId = null;
let audio = null;

const overlay = new URLSearchParams(location.search).get("overlay") === "1";
document.body.classList.toggle("overlay", overlay);

const link = new HostLink({
  onSnapshot(next) {
    snapshot = next;
    labels = labelsFrom(next);
    applySnapshot();
    render();
  },
  onState(state) {
    linkState = state;
    showConnection();
  },
});

function showConnection() {
  const problem = linkState !== "live";
  view.connection.hidden = !problem;
  view.main.classList.toggle("stale", problem && snapshot !== null);
  setText(view.connection, problem ? `⚠ ${labels[linkState === "stale" ? "stale" : linkState]}` : "");
}

function applySnapshot() {
  document.documentElement.lang = snapshot.language || "en";
  const segment = snapshot.segment;
  const holding = snapshot.holding ? snapshot.holding.kind : "";
  document.title = segment ? `${segment.title} · ${snapshot.title}` : snapshot.title || "Stage";
  setText(view.position, segment ? `${segment.number} / ${segment.count}` : "");
  setText(view.title, segment ? segment.title : snapshot.title || "");
  // Before the start, during a break and after the end the stage holds: the session's title, calm.
  const calm = holding || snapshot.status === "ended";
  const names = calm ? snapshot.title || "" : segment && segment.speakers.length ? segment.speakers.join(" · ") : "";
  setText(view.speakers, names);
  view.speakers.hidden = !names;
  view.speakers.classList.toggle("session-title", Boolean(calm));
  if (calm) setText(view.title, segment && holding === "break" ? segment.title : "");
  view.main.dataset.holding = holding;
  showNext(snapshot.next);
  showMessage(snapshot.message);
  view.main.dataset.status = snapshot.status;
  view.flash.classList.toggle("steady", Boolean(snapshot.flash));
  view.flash.hidden = !snapshot.flash && !view.flash.classList.contains("pulse");
  view.blackout.hidden = !snapshot.blackout;
  setText(view.sound, audio ? `♪ ${labels.sound_on}` : labels.enable_sound);
  showConnection();
}

function showNext(next) {
  view.next.hidden = !next;
  if (!next) return;
  const who = next.speakers && next.speakers.length ? ` — ${next.speakers.join(", ")}` : "";
  const duration = next.duration_s ? ` · ${durationText(next.duration_s, labels)}` : "";
  setText(view.next, `${labels.next}: ${next.title}${who}${duration}`);
}

function showMessage(message) {
  const text = message && message.text ? message.text : "";
  view.message.hidden = !text;
  view.main.classList.toggle("has-message", Boolean(text));
  const changed = view.message.textContent !== text;
  setText(view.message, text);
  const id = message ? message.id : null;
  if (text && id !== messageId) restartAnimation(view.message, "arrived");
  messageId = id;
  if (changed) fitMessage();
}

/** A message up to its 280 characters, whole: its text shrinks until it takes at most a third of the
 * screen's height, so the countdown and the "next" line stay on screen with it. */
function fitMessage() {
  const box = view.message;
  box.style.fontSize = "";
  if (box.hidden) return;
  const room = innerHeight * (innerHeight > innerWidth ? 0.36 : 0.32);
  let size = parseFloat(getComputedStyle(box).fontSize);
  while (size > 11 && (box.scrollHeight > room || box.scrollWidth > box.clientWidth + 1)) {
    size *= 0.93;
    box.style.fontSize = `${size}px`;
  }
  fitCountdown();
}

function restartAnimation(element, name) {
  element.classList.remove(name);
  void element.offsetWidth; // a reflow, so the same animation can run again
  element.classList.add(name);
}

/** What the clock shows: the segment's countdown; before the start, the time to the planned start
 * ("starts in"); after the end, nothing but a calm word. */
function clockNow() {
  const status = snapshot ? snapshot.status : "";
  const holding = snapshot && snapshot.holding ? snapshot.holding : null;
  if (status === "ended") return { text: "", level: "ended", word: labels.session_ended || labels.ended };
  if (holding && holding.kind === "before") {
    const hostNow = link.hostNow();
    if (holding.starts_host_t !== null && holding.starts_host_t !== undefined && hostNow !== null) {
      const left = (holding.starts_host_t - hostNow) * (snapshot.rate || 1);
      if (left > 0) return { text: clockText(displayedSeconds(left)), level: "holding", word: labels.starts_in || "Starts in" };
    }
    return { text: holding.starts_at || "--:--", level: "holding", word: labels.starting_soon || "Starting soon" };
  }
  const remaining = remainingNow(snapshot, link);
  const text = remaining === null ? "--:--" : clockText(displayedSeconds(remaining));
  const level = remaining === null ? "normal" : levelFor(remaining, snapshot);
  if (holding && holding.kind === "break") {
    const back = (labels.back_at || "Back at {time}").replace("{time}", holding.back_at);
    return { text, level: level === "overtime" ? "overtime" : "holding", word: back };
  }
  return { text, level, word: levelWord(level, status, labels) };
}

/** Runs every frame; touches the page only when the shown second or the level changes. */
function render() {
  const segment = snapshot && snapshot.segment ? snapshot.segment.number : null;
  const { text, level, word } = clockNow();
  const status = snapshot ? snapshot.status : "";
  const state = status === "running" ? `${level} ${word}` : `${status} ${level} ${word}`;
  if (text === shown.text && state === shown.state && segment === shown.segment) return;
  if (level === "overtime" && shown.level !== "overtime" && shown.segment === segment && status === "running") {
    timeIsUp();
  }
  shown = { text, level, state, segment };
  setText(view.countdown, text);
  if (view.countdown.dataset.chars !== String(text.length)) fitCountdown();
  view.main.dataset.level = level;
  setText(view.symbol, level === "holding" ? "" : SYMBOLS[status === "running" ? level : status] || "");
  setText(view.word, word);
}

/** The countdown as wide as the screen allows, whatever the font's digit widths, and as tall as the
 * clock's row (what the speaker line, message and next line leave) allows. */
function fitCountdown() {
  const digits = view.countdown;
  if (!digits.textContent) return;
  const clock = digits.parentElement;
  digits.dataset.chars = String(digits.textContent.length);
  digits.style.fontSize = "100px";
  const width = digits.getBoundingClientRect().width;
  const room = clock.clientHeight - digits.nextElementSibling.offsetHeight;
  const size = Math.min((100 * clock.clientWidth * 0.97) / width, room * 0.98);
  digits.style.fontSize = `${Math.max(24, Math.floor(size))}px`;
}

new ResizeObserver(fitCountdown).observe(view.countdown.parentElement);
addEventListener("resize", fitMessage);

function timeIsUp() {
  view.flash.hidden = false;
  restartAnimation(view.flash, "pulse");
  beep();
}

view.flash.addEventListener("animationend", () => {
  view.flash.classList.remove("pulse");
  view.flash.hidden = !(snapshot && snapshot.flash);
});

function beep() {
  if (!audio) return;
  const start = audio.currentTime + 0.05;
  for (let i = 0; i < 3; i += 1) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, start + i * 0.35);
    gain.gain.exponentialRampToValueAtTime(0.4, start + i * 0.35 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.35);
    tone.stop(start + i * 0.35 + 0.3);
  }
}

view.sound.addEventListener("click", () => {
  if (audio) {
    audio.close();
    audio = null;
  } else {
    audio = new AudioContext(); // made inside the tap, so the browser lets it play
    beep();
  }
  view.sound.setAttribute("aria-pressed", String(Boolean(audio)));
  setText(view.sound, audio ? `♪ ${labels.sound_on}` : labels.enable_sound);
});

setText(view.sound, labels.enable_sound);
showConnection();
everyFrame(render);
