// The co-moderator's controller: a browser seat that drives the timer and the stage. Every press is a
// command with its own id (applied once by the host, also when resent after a reconnect), and a button
// stays pressed until the host answers, so a double tap sends one command; next/previous also name the
// segment they leave, so two presses from two phones move one segment.
import { HostLink, clockText, displayedSeconds, everyFrame, levelFor, levelWord, paceText, remainingNow, setText }
  from "./common.js";
import { SeatConnection, SeatStore, fill, seatLabelsFrom } from "./seat_common.js";

const $ = (id) => document.getElementById(id);
const MIN_PRESSED_MS = 350;
const GIVE_UP_MS = 8000;

let snapshot = null;
let labels = seatLabelsFrom(null);
const pressed = new Map(); // command id -> { button, since }
const built = {}; // what each list was last built from, so a snapshot rebuilds only what changed
const store = new SeatStore();

const link = new HostLink({
  onSnapshot(next) {
    snapshot = next;
    labels = seatLabelsFrom(next);
    show();
  },
  onState() {},
});

const seat = new SeatConnection({
  onWelcome() {},
  onEvent() {},
  onAck(command) {
    release(command.id);
    if (command.command === "message" && command.args.text === $("message-input").value) $("message-input").value = "";
    say("");
  },
  onRefused(command, reason) {
    release(command.id);
    say(fill(labels.refused_reason, { reason }));
  },
  onState() {
    showStatus();
    enable();
  },
  onSeatUnknown() { // a controller writes no notes: a new seat loses nothing
    store.forgetSeat();
    seat.start();
  },
  onReplaced() {
    $("elsewhere").hidden = false;
    setText($("elsewhere-text"), labels.seat_elsewhere);
    setText($("use-here"), labels.use_here);
  },
}, { store });

$("use-here").addEventListener("click", () => {
  $("elsewhere").hidden = true;
  seat.start();
});

function say(text) {
  setText($("answer"), text);
}

/** Send one command for a button; the button stays pressed (aria-disabled) until the host answers. */
function press(button, command, args = {}) {
  if (button.getAttribute("aria-disabled") === "true" || !seat.ready) return;
  const sent = seat.sendNow(command, args);
  if (!sent) return;
  button.setAttribute("aria-disabled", "true");
  pressed.set(sent.id, { button, since: performance.now() });
  setTimeout(() => release(sent.id, true), GIVE_UP_MS);
}

function release(id, late = false) {
  const entry = pressed.get(id);
  if (!entry) return;
  pressed.delete(id);
  const wait = late ? 0 : Math.max(0, MIN_PRESSED_MS - (performance.now() - entry.since));
  setTimeout(() => {
    if (![...pressed.values()].some((other) => other.button === entry.button)) entry.button.removeAttribute("aria-disabled");
  }, wait);
}

function enable() {
  const live = seat.ready;
  for (const button of document.querySelectorAll("main button:not(#use-here), #goto-select, #message-input")) {
    button.disabled = !live || (snapshot && snapshot.status === "ended" && button.id !== "end-no");
  }
}

function showStatus() {
  const state = seat.state === "online" ? "online" : "offline";
  $("link-state").dataset.state = state;
  setText($("link-state"), state === "online" ? labels.online : labels.offline_no_commands);
}

// ------------------------------------------------------------------ what the stage shows, the clock

function show() {
  document.documentElement.lang = snapshot.language || "en";
  document.title = `${labels.controller} · ${snapshot.title || ""}`;
  setText($("session-title"), snapshot.title || "");
  setText($("role-name"), labels.controller);
  const segment = snapshot.segment;
  setText($("segment-position"), segment ? `${segment.number} / ${segment.count}` : "");
  setText($("segment-title"), segment ? segment.title : "");
  setText($("speakers"), segment && segment.speakers.length ? segment.speakers.join(" · ") : "");
  setText($("pace-label"), labels.pace);
  setText($("pace"), snapshot.status === "not_started" ? labels.none : paceText(snapshot.pace_s, labels));
  setText($("end-label"), labels.projected_end);
  setText($("projected-end"), Object.entries(snapshot.projected_end || {}).map(([zone, time]) => `${time} ${zone}`).join(" · "));
  setText($("stage-label"), labels.stage_shows);
  showStage();
  const running = snapshot.status === "running";
  setText($("toggle"), running ? `‖ ${labels.pause}` : snapshot.status === "paused" ? `▶ ${labels.resume}` : `▶ ${labels.start}`);
  setText($("previous"), `◀ ${labels.previous}`);
  setText($("next"), `${labels.next} ▶`);
  setText($("minus"), labels.minus_minute);
  setText($("plus"), labels.plus_minute);
  setText($("goto-label"), labels.go_to);
  setText($("goto"), labels.go_to);
  setText($("messages-title"), labels.messages);
  setText($("message-label"), labels.own_words);
  $("message-input").placeholder = labels.own_words;
  setText($("message-show"), labels.show);
  setText($("clear"), `✕ ${labels.clear_message}`);
  setText($("flash"), `⚡ ${snapshot.flash ? labels.stop_flash : labels.flash}`);
  $("flash").setAttribute("aria-pressed", String(Boolean(snapshot.flash)));
  setText($("blackout"), `■ ${snapshot.blackout ? labels.end_blackout : labels.blackout}`);
  $("blackout").setAttribute("aria-pressed", String(Boolean(snapshot.blackout)));
  setText($("questions-title"), labels.questions);
  setText($("ask-next"), labels.ask_next);
  setText($("cues-title"), labels.cues);
  setText($("end"), labels.end_session);
  setText($("end-question"), labels.end_confirm);
  setText($("end-no"), labels.cancel);
  setText($("end-yes"), labels.end_yes);
  buildGoto();
  buildPresets();
  buildQuestions();
  buildCues();
  showStatus();
  enable();
}

function showStage() {
  const shows = $("stage-shows");
  const parts = [];
  const text = snapshot.message && snapshot.message.text;
  shows.classList.toggle("message-on", Boolean(text));
  parts.push(text ? `“${text}”` : labels.stage_nothing);
  if (snapshot.flash) parts.push(`⚡ ${labels.stage_flashing}`);
  if (snapshot.blackout) parts.push(`■ ${labels.stage_black}`);
  setText(shows, parts.join(" · "));
}

function render() {
  const remaining = remainingNow(snapshot, link);
  setText($("countdown"), remaining === null ? "--:--" : clockText(displayedSeconds(remaining)));
  const level = remaining === null ? "normal" : levelFor(remaining, snapshot);
  $("now").dataset.level = snapshot && snapshot.status === "running" ? level : "normal";
  setText($("level-word"), snapshot ? levelWord(level, snapshot.status, labels) : "");
}

// ------------------------------------------------------------------ the lists: segments, presets, questions, cues

function changed(name, value) {
  const key = JSON.stringify(value);
  if (built[name] === key) return false;
  built[name] = key;
  return true;
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function buildGoto() {
  const agenda = snapshot.agenda || [];
  if (!changed("goto", [agenda.map((row) => [row.number, row.title]), snapshot.current])) return;
  const select = $("goto-select");
  select.replaceChildren(...agenda.map((row) => {
    const option = element("option", "", `${row.number}. ${row.title}`);
    option.value = String(row.number - 1);
    return option;
  }));
  const next = snapshot.current === null || snapshot.current === undefined ? 0 : Math.min(snapshot.current + 1, agenda.length - 1);
  select.value = String(next);
}

function buildPresets() {
  const presets = snapshot.presets || [];
  if (!changed("presets", presets)) return;
  $("presets").replaceChildren(...presets.map((text) => {
    const button = element("button", "preset", `“${text}”`);
    button.type = "button";
    button.addEventListener("click", () => press(button, "message", { text }));
    return button;
  }));
}

function buildQuestions() {
  const questions = snapshot.questions || [];
  $("questions-box").hidden = !questions.length;
  if (!changed("questions", questions)) return;
  $("questions").replaceChildren(...questions.map((question) => {
    const item = element("li");
    const button = element("button", `check${question.asked ? " done" : ""}`,
      `${question.asked ? "☑" : "☐"} ${question.number}. ${question.text}`);
    button.type = "button";
    button.setAttribute("aria-pressed", String(question.asked));
    button.addEventListener("click", () => press(button, question.asked ? "unask_question" : "ask_question",
      { round: question.round, index: question.index }));
    item.append(button);
    return item;
  }));
}

function buildCues() {
  const cues = snapshot.cues || [];
  $("cues-box").hidden = !cues.length;
  if (!changed("cues", cues)) return;
  $("cues").replaceChildren(...cues.map((cue) => {
    const item = element("li");
    const button = element("button", `check${cue.done ? " done" : ""}`, `${cue.done ? "☑" : "☐"} ${cue.text}`);
    button.type = "button";
    button.setAttribute("aria-pressed", String(cue.done));
    button.addEventListener("click", () => press(button, "tick_cue", { segment: cue.segment, cue: cue.index, done: !cue.done }));
    item.append(button);
    return item;
  }));
}

// ------------------------------------------------------------------ the buttons

function fromShown() {
  return snapshot && snapshot.current !== null && snapshot.current !== undefined ? { from: snapshot.current } : {};
}

$("toggle").addEventListener("click", (event) => {
  if (!snapshot) return;
  press(event.currentTarget, snapshot.status === "running" ? "pause" : "start");
});
$("next").addEventListener("click", (event) => press(event.currentTarget, "next", fromShown()));
$("previous").addEventListener("click", (event) => press(event.currentTarget, "previous", fromShown()));
$("plus").addEventListener("click", (event) => press(event.currentTarget, "adjust", { seconds: 60 }));
$("minus").addEventListener("click", (event) => press(event.currentTarget, "adjust", { seconds: -60 }));
$("goto").addEventListener("click", (event) => press(event.currentTarget, "goto", { segment: Number($("goto-select").value) }));
$("ask-next").addEventListener("click", (event) => press(event.currentTarget, "ask_next_question"));
$("clear").addEventListener("click", (event) => press(event.currentTarget, "clear_message"));
$("flash").addEventListener("click", (event) => press(event.currentTarget, "flash", { on: !(snapshot && snapshot.flash) }));
$("blackout").addEventListener("click", (event) => press(event.currentTarget, "blackout", { on: !(snapshot && snapshot.blackout) }));
$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("message-input").value.trim();
  if (text) press($("message-show"), "message", { text });
});
$("end").addEventListener("click", () => $("end-dialog").showModal());
$("end-no").addEventListener("click", () => $("end-dialog").close());
$("end-yes").addEventListener("click", (event) => {
  press(event.currentTarget, "end");
  $("end-dialog").close();
});

showStatus();
enable();
seat.start();
everyFrame(render);
