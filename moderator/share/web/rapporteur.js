// The rapporteur's page: a browser seat. Notes are typed here, parsed on the host (one grammar), kept
// in this browser's storage until the host says they are on disk, and resent in order after any cut.
// Text goes in as text only (textContent), never as HTML.
import { HostLink, clockText, displayedSeconds, localNow, remainingNow, setText } from "./common.js";
import { SeatConnection, SeatStore, fill, seatLabelsFrom } from "./seat_common.js";

const $ = (id) => document.getElementById(id);
const MAX_SHOWN = 300;
const PREVIEW_DELAY_MS = 120;
const KIND_MARKS = { action: "! ", question: "? ", quote: "> ", note: "" };

const store = new SeatStore();
let snapshot = null;
let labels = seatLabelsFrom(null);
const notes = new Map(); // id -> the note as the journal says (note_added, then corrections)
const seenCommands = new Set(); // command ids the journal holds: a waiting note that is one of them is saved
const refusedNotes = []; // this visit's refusals, shown until the page is left
let editing = null; // the id of the note being corrected here
let armedDelete = null;
let previewId = null;
let previewTimer = null;
let completion = { items: [], active: 0, start: 0 };

const link = new HostLink({
  onSnapshot(next) {
    snapshot = next;
    labels = seatLabelsFrom(next);
    showContext();
  },
  onState() {},
});

const seat = new SeatConnection({
  onWelcome(welcome, fresh) {
    if (fresh) {
      notes.clear();
      seenCommands.clear();
    }
    for (const event of welcome.events) apply(event);
    renderNotes();
    requestPreview();
  },
  onEvent(_, event) {
    if (apply(event)) renderNotes();
  },
  onAck(command) {
    if (command.command === "add_note") announce(labels.note_saved);
    renderNotes();
  },
  onRefused(command, reason) {
    if (command.command === "add_note") refusedNotes.push({ id: command.id, text: command.args.text, reason });
    announce(fill(labels.note_refused, { reason }));
    renderNotes();
  },
  onPreview(id, landing) {
    if (id === previewId) setText($("preview"), describeLanding(landing));
  },
  onState() {
    showStatus();
    renderNotes();
  },
  onSeatUnknown() {
    alertWith(labels.seat_unknown, labels.join_again, () => store.forgetSeat());
  },
  onReplaced() {
    alertWith(labels.seat_elsewhere, labels.use_here, () => {});
  },
}, { store });

/** The journal's note events, folded into the page's list; true when the list changed. */
function apply(event) {
  if (event.command_id) seenCommands.add(event.command_id);
  if (event.type === "note_added") {
    notes.set(event.id, { ...event, level: event.level || 0, edited: false, deleted: false });
  } else if (event.type === "note_edited" && notes.has(event.id)) {
    const note = notes.get(event.id);
    for (const field of ["text", "kind", "speaker", "level", "group", "group_segment"]) {
      if (event[field] !== undefined && event[field] !== null) note[field] = event[field];
    }
    if (event.group !== undefined && event.group !== null) note.speaker = null;
    else if (event.speaker) note.group = null;
    note.edited = true;
  } else if (event.type === "note_deleted" && notes.has(event.id)) {
    notes.get(event.id).deleted = true;
  } else {
    return false;
  }
  return true;
}

// ------------------------------------------------------------------ what is happening now

function showContext() {
  document.documentElement.lang = snapshot.language || "en";
  document.title = `${labels.notes} · ${snapshot.title || ""}`;
  setText($("session-title"), snapshot.title || "");
  const segment = snapshot.segment;
  setText($("segment-position"), segment ? `${segment.number} / ${segment.count}` : "");
  setText($("segment-title"), segment ? segment.title : "");
  setText($("on-stage-label"), `${labels.on_stage}:`);
  setText($("speakers"), segment && segment.speakers.length ? segment.speakers.join(" · ") : labels.none);
  setText($("time-left-label"), `${labels.time_left}:`);
  const question = snapshot.question;
  $("question").hidden = !question;
  setText($("question-label"), `${labels.question_now}:`);
  setText($("question-text"), question ? `${question.number}. ${question.text}` : "");
  setText($("note-label"), labels.note_box);
  setText($("send"), labels.send);
  setText($("notes-title"), labels.notes);
  setText($("name-label"), labels.your_name);
  setText($("name-why"), labels.name_why);
  setText($("name-ok"), labels.continue);
  showWho();
  showStatus();
  renderNotes();
}

function tick() {
  const remaining = remainingNow(snapshot, link);
  setText($("time-left"), remaining === null ? "--:--" : clockText(displayedSeconds(remaining)));
}

function showWho() {
  const { name } = store.seat();
  setText($("who"), name ? `✎ ${name}` : "");
  $("who").hidden = !name;
  $("who").setAttribute("aria-label", `${labels.your_name}: ${name || ""}`);
}

function showStatus() {
  const waiting = seat.waiting();
  const state = seat.state === "online" ? "online" : ["refused", "replaced"].includes(seat.state) ? "refused" : "offline";
  $("link-state").dataset.state = state;
  let text;
  if (state === "online") text = `${labels.online} · ${waiting ? fill(labels.waiting, { n: waiting }) : labels.all_saved}`;
  else text = fill(labels.offline_waiting, { n: waiting });
  setText($("link-state"), text);
}

// ------------------------------------------------------------------ the list of notes

function personName(id) {
  if (!id) return "";
  const found = snapshot && snapshot.people ? snapshot.people.find((person) => person.id === id) : null;
  return found ? found.name : id;
}

function groupName(note) {
  const groups = snapshot && snapshot.breakouts ? snapshot.breakouts[String(note.group_segment)] : null;
  const name = groups ? groups[note.group] : "";
  return `g${note.group + 1}${name ? ` ${name}` : ""}`;
}

function kindWord(kind) {
  return { action: labels.lands_action, question: labels.lands_question, quote: labels.lands_quote }[kind] || "";
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

const rendered = new Map(); // key -> { signature, item }: a note's element is rebuilt only when it changed

/** The element for ``key``, reused while ``signature`` (what it shows) stays the same. */
function cached(key, signature, build, keep) {
  const found = rendered.get(key);
  keep.add(key);
  if (found && found.signature === signature) return found.item;
  const item = build();
  rendered.set(key, { signature, item });
  return item;
}

let drawing = false;

/** Redraw the list at the next frame (an event, its ack and a snapshot arriving together draw once);
 * the status line ("all notes saved") is said at once. */
function renderNotes() {
  showStatus();
  if (drawing) return;
  drawing = true;
  const draw = () => {
    if (!drawing) return;
    drawing = false;
    drawNotes();
  };
  requestAnimationFrame(draw);
  setTimeout(draw, 100); // a hidden tab gets no frames: draw anyway
}

function drawNotes() {
  const list = $("notes");
  const mySeat = store.seat().seat_id;
  const outbox = store.outbox();
  const pendingFor = new Map(); // note id -> a waiting correction or deletion
  const keep = new Set();
  const words = JSON.stringify([labels.sending, labels.saved, labels.edited, labels.refused, labels.correct,
    labels.delete, labels.you, labels.lands_action, labels.lands_question, labels.lands_quote, labels.lands_sub,
    labels.lands_subsub, snapshot && snapshot.people, seat.ready]);
  const items = [];
  for (const command of outbox) {
    if (command.command === "add_note" && !seenCommands.has(command.id)) {
      items.unshift(cached(`w:${command.id}`, words, () => waitingItem(command.args.text), keep));
    } else if (command.command !== "add_note") {
      pendingFor.set(command.args.id, command);
    }
  }
  for (const refused of refusedNotes) items.unshift(cached(`r:${refused.id}`, words, () => refusedItem(refused), keep));
  const saved = [...notes.values()].filter((note) => !note.deleted).sort((a, b) => b.id - a.id);
  for (const note of saved.slice(0, MAX_SHOWN)) {
    const mine = Boolean(note.seat && note.seat === mySeat);
    const pending = pendingFor.get(note.id);
    const signature = JSON.stringify([words, note.text, note.kind, note.speaker, note.level, note.group, note.edited,
      note.author, mine, Boolean(pending), editing === note.id, armedDelete === note.id]);
    items.push(cached(`n:${note.id}`, signature, () => noteItem(note, mine, pending), keep));
  }
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
  let child = list.firstChild;
  for (const item of items) { // move or insert only what is out of place: no list rebuilt at every note
    if (child === item) child = child.nextSibling;
    else list.insertBefore(item, child);
  }
  while (child) {
    const next = child.nextSibling;
    child.remove();
    child = next;
  }
  for (const key of [...rendered.keys()]) if (!keep.has(key)) rendered.delete(key);
  if (focused && $(focused) && document.activeElement !== $(focused)) $(focused).focus();
  setText($("no-notes"), items.length ? "" : labels.no_notes);
  showStatus();
}

function waitingItem(text) {
  const item = element("li", "note waiting");
  item.append(element("p", "note-text", text), status("sending", labels.sending));
  return item;
}

function refusedItem(refused) {
  const item = element("li", "note refused");
  item.append(element("p", "note-text", refused.text), status("refused", `${labels.refused}: ${refused.reason}`));
  return item;
}

function status(kind, text) {
  return element("span", `note-status ${kind}`, `${kind === "saved" ? "✓" : kind === "refused" ? "✕" : "…"} ${text}`);
}

function noteItem(note, mine, pending) {
  const item = element("li", `note level-${note.level}${mine ? " mine" : ""}`);
  item.dataset.id = String(note.id);
  if (editing === note.id && mine && !pending) return editItem(item, note);
  item.append(element("p", "note-text", note.text));
  const meta = element("p", "note-meta");
  const level = [null, labels.lands_sub, labels.lands_subsub][note.level] || "";
  const target = note.group !== null && note.group !== undefined ? groupName(note) : personName(note.speaker);
  const where = [level, kindWord(note.kind), target].filter(Boolean).join(" · ");
  if (where) meta.append(element("span", "where", `→ ${where}`));
  meta.append(element("span", "author", `— ${mine ? labels.you : note.author || labels.none}`));
  if (pending) meta.append(status("sending", labels.sending));
  else meta.append(status("saved", note.edited ? `${labels.saved} · ${labels.edited}` : labels.saved));
  item.append(meta);
  if (mine && !pending && seat.ready) {
    const actions = element("p", "note-buttons");
    const correct = element("button", "small", labels.correct);
    correct.type = "button";
    correct.id = `correct-${note.id}`;
    correct.addEventListener("click", () => {
      editing = note.id;
      drawNotes();
      const box = $(`edit-${note.id}`);
      if (box) box.focus();
    });
    const remove = element("button", `small danger${armedDelete === note.id ? " armed" : ""}`,
      armedDelete === note.id ? `${labels.delete}?` : labels.delete);
    remove.type = "button";
    remove.id = `delete-${note.id}`;
    remove.addEventListener("click", () => {
      if (armedDelete === note.id) {
        armedDelete = null;
        seat.sendDurable("delete_note", { id: note.id });
      } else {
        armedDelete = note.id;
        setTimeout(() => {
          if (armedDelete === note.id) {
            armedDelete = null;
            renderNotes();
          }
        }, 4000);
      }
      renderNotes();
    });
    actions.append(correct, remove);
    item.append(actions);
  }
  return item;
}

/** The note as it was typed, markers included, so a correction keeps its kind and level. */
function asTyped(note) {
  const level = note.level ? `${"-".repeat(note.level)} ` : "";
  return `${level}${KIND_MARKS[note.kind] || ""}${note.text}`;
}

function editItem(item, note) {
  const box = element("textarea", "edit-box");
  box.id = `edit-${note.id}`;
  box.value = asTyped(note);
  box.rows = 3;
  box.setAttribute("aria-label", labels.correct);
  const save = element("button", "small primary", labels.save);
  save.type = "button";
  const cancel = element("button", "small", labels.cancel);
  cancel.type = "button";
  const done = (send) => {
    if (send && box.value.trim() && box.value !== asTyped(note)) seat.sendDurable("edit_note", { id: note.id, text: box.value });
    editing = null;
    drawNotes();
    const back = $(`correct-${note.id}`);
    (back || $("note-input")).focus();
  };
  save.addEventListener("click", () => done(true));
  cancel.addEventListener("click", () => done(false));
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      done(true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      done(false);
    }
  });
  const actions = element("p", "note-buttons");
  actions.append(save, cancel);
  item.append(box, actions);
  return item;
}

function announce(text) {
  const region = $("announce");
  region.textContent = "";
  setTimeout(() => { region.textContent = text; }, 30);
}

// ------------------------------------------------------------------ typing: send, preview, @ names

const input = $("note-input");

const TYPED_IN_FRESH_S = 30;

function send() {
  const text = input.value;
  if (!text.trim()) return;
  const args = { text };
  // Where the note was typed, if the page knew it lately: a note that waits through a short cut while
  // the moderator moves on still lands under the speaker shown. After a long silence the page's
  // segment may be stale, and the note lands where the session is when it arrives.
  if (snapshot && Number.isInteger(snapshot.current) && localNow() - link.lastHeard < TYPED_IN_FRESH_S) {
    args.typed_in = snapshot.current;
  }
  seat.sendDurable("add_note", args);
  input.value = "";
  closeCompletion();
  setText($("preview"), "");
  renderNotes();
}

$("note-form").addEventListener("submit", (event) => {
  event.preventDefault();
  send();
  input.focus();
});

input.addEventListener("keydown", (event) => {
  if (!$("completions").hidden) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      completion.active = (completion.active + step + completion.items.length) % completion.items.length;
      showCompletion();
      return;
    }
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      accept(completion.items[completion.active]);
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeCompletion();
      return;
    }
  }
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});

input.addEventListener("input", () => {
  updateCompletion();
  clearTimeout(previewTimer);
  previewTimer = setTimeout(requestPreview, PREVIEW_DELAY_MS);
});
input.addEventListener("click", updateCompletion);
input.addEventListener("blur", () => setTimeout(closeCompletion, 150));

function requestPreview() {
  const text = input.value;
  if (!text.trim()) {
    previewId = null;
    setText($("preview"), "");
    return;
  }
  previewId = seat.preview(text);
  if (previewId === null) setText($("preview"), "");
}

/** The host's answer in words: "→ point for Young Kim", "→ action · group g2", "⚠ no speaker matches @x". */
function describeLanding(landing) {
  if (landing.error) return `⚠ ${landing.error}`;
  if (landing.participants !== undefined) return `→ ${fill(labels.lands_participants, { n: landing.participants })}`;
  const parts = [];
  if (landing.level === 1) parts.push(labels.lands_sub);
  if (landing.level === 2) parts.push(labels.lands_subsub);
  const kind = kindWord(landing.kind);
  const target = landing.group ? fill(labels.lands_group, { name: `g${landing.group_number} ${landing.group}` }) : landing.speaker;
  if (kind) parts.push(kind);
  if (kind || landing.level) {
    if (target) parts.push(target);
  } else {
    parts.push(target && !landing.group ? fill(labels.lands_point_for, { name: target }) : target || labels.lands_point);
  }
  if (landing.question) parts.push(fill(labels.lands_on_question, { n: landing.question }));
  return `→ ${parts.join(" · ")}`;
}

function fold(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** Who ``@`` may name now: people by id and name, and the break-out's groups as g1, g2... */
function candidates() {
  const found = [];
  for (const person of (snapshot && snapshot.people) || []) {
    found.push({ insert: `@${person.id} `, label: person.name, hint: `@${person.id}`, keys: [person.id, person.name, ...person.name.split(/\s+/)] });
  }
  ((snapshot && snapshot.groups) || []).forEach((name, index) => {
    found.push({ insert: `@g${index + 1} `, label: name, hint: `@g${index + 1}`, keys: [`g${index + 1}`, name, ...name.split(/\s+/)] });
  });
  return found;
}

function updateCompletion() {
  const before = input.value.slice(0, input.selectionStart);
  const match = /(^|\s)@([^\s@"]*)$/.exec(before);
  if (!match || input.selectionStart !== input.selectionEnd) {
    closeCompletion();
    return;
  }
  const wanted = fold(match[2]);
  const items = candidates().filter((candidate) => candidate.keys.some((key) => fold(key).startsWith(wanted))).slice(0, 8);
  if (!items.length) {
    closeCompletion();
    return;
  }
  completion = { items, active: 0, start: before.length - match[2].length - 1 };
  showCompletion();
}

function showCompletion() {
  const list = $("completions");
  list.replaceChildren(...completion.items.map((candidate, index) => {
    const option = element("li", index === completion.active ? "active" : "");
    option.id = `completion-${index}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", String(index === completion.active));
    option.append(element("span", "", candidate.label), element("span", "muted", ` ${candidate.hint}`));
    option.addEventListener("mousedown", (event) => {
      event.preventDefault();
      accept(candidate);
    });
    return option;
  }));
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
  input.setAttribute("aria-activedescendant", `completion-${completion.active}`);
}

function closeCompletion() {
  $("completions").hidden = true;
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
}

function accept(candidate) {
  const end = input.selectionStart;
  input.value = input.value.slice(0, completion.start) + candidate.insert + input.value.slice(end);
  const caret = completion.start + candidate.insert.length;
  input.setSelectionRange(caret, caret);
  closeCompletion();
  requestPreview();
  input.focus();
}

// ------------------------------------------------------------------ the name, asked once

function askName() {
  $("name-form").hidden = false;
  $("note-form").hidden = true;
  $("name-input").value = store.seat().name || "";
  $("name-input").focus();
}

$("name-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("name-input").value.trim().slice(0, 80);
  if (!name) return;
  const changed = store.seat().name !== name;
  store.setSeat({ name });
  $("name-form").hidden = true;
  $("note-form").hidden = false;
  showWho();
  input.focus();
  if (!seat.socket) seat.start();
  else if (changed && seat.socket) seat.socket.close(); // reconnect: the host learns the name in hello
});

$("who").addEventListener("click", askName);
$("who").addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    askName();
  }
});

let onJoinAgain = () => {};

/** The seat stopped (unknown to the host, or open in another tab): say so, and offer to go on here. */
function alertWith(text, button, before) {
  $("seat-unknown").hidden = false;
  setText($("seat-unknown-text"), text);
  setText($("join-again"), button);
  onJoinAgain = before;
  showStatus();
}

$("join-again").addEventListener("click", () => {
  onJoinAgain();
  $("seat-unknown").hidden = true;
  seat.start();
});

showStatus();
setInterval(tick, 250);
if (store.seat().name) {
  $("note-form").hidden = false;
  showWho();
  seat.start();
  input.focus();
} else {
  askName();
}
