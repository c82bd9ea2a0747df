// What the rapporteur's page and the co-moderator's controller share: the seat protocol on
// /seat/<token> (the same one `moderator join` speaks), the page's outbox in localStorage, and the
// words. The host decides everything; the page keeps what it sent until the host says it is on disk.
import { FALLBACK_LABELS, tokenFromPath } from "./common.js";

export const PROTOCOL = 2;

export const SEAT_FALLBACK_LABELS = {
  ...FALLBACK_LABELS,
  your_name: "Your name", name_why: "The report credits your notes to this name.", continue: "Continue",
  note_box: "Type a note: Enter sends it, Shift+Enter starts a new line", send: "Send", notes: "Notes",
  sending: "sending", saved: "saved", refused: "refused", correct: "Correct", delete: "Delete", save: "Save",
  cancel: "Cancel", online: "online", offline_waiting: "offline: {n} waiting", all_saved: "all notes saved",
  waiting: "{n} waiting", note_saved: "Note saved", note_refused: "Note refused: {reason}", you: "you",
  question_now: "Question being discussed", on_stage: "On stage", time_left: "Time left",
  lands_point: "point", lands_point_for: "point for {name}", lands_action: "action or recommendation",
  lands_question: "audience question", lands_quote: "quote", lands_sub: "sub-point", lands_subsub: "sub-sub-point",
  lands_group: "group {name}", lands_participants: "number of participants: {n}", lands_on_question: "on question {n}",
  seat_unknown: "The host does not know this page's seat any more.", join_again: "Join again as a new seat",
  seat_elsewhere: "This link is open in another window or tab.", use_here: "Use it here",
  no_notes: "No notes yet.", edited: "corrected",
  controller: "Co-moderator", start: "Start", pause: "Pause", resume: "Resume", previous: "Previous",
  plus_minute: "+1 min", minus_minute: "−1 min", go_to: "Go to", questions: "Questions",
  ask_next: "Mark the next question asked", asked: "asked", cues: "Cues", messages: "Messages to the stage",
  own_words: "Your own words", show: "Show", clear_message: "Clear the message", flash: "Flash the stage",
  stop_flash: "Stop flashing", blackout: "Black out the stage", end_blackout: "End the blackout",
  end_session: "End the session", end_confirm: "End the session now?", end_yes: "Yes, end it",
  stage_shows: "The stage shows", stage_nothing: "no message", stage_flashing: "flashing", stage_black: "black",
  done_press: "Done", refused_reason: "Refused: {reason}", offline_no_commands: "offline: buttons wait for the host",
};

/** The words in the session's language (sent by the host with each snapshot), English where missing. */
export function seatLabelsFrom(snapshot) {
  return { ...SEAT_FALLBACK_LABELS, ...(snapshot && snapshot.labels ? snapshot.labels : {}) };
}

/** "{n} waiting" with n = 3 -> "3 waiting": the words come from the catalogs, the numbers from here. */
export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/** A random UUID (v4) from the browser's CSPRNG; crypto.randomUUID needs HTTPS, a LAN address has none. */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A short name for a link in the browser's storage (FNV-1a): not the token itself in every key. */
function linkKey(token) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < token.length; i += 1) {
    hash ^= token.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `moderator:${hash.toString(16)}`;
}

/**
 * What this browser keeps for one link: the seat (id, secret, name) and the outbox, the commands
 * sent and not yet acknowledged, in the order they were made. Read from localStorage at every use,
 * so two tabs of the same link never overwrite each other's commands.
 */
export class SeatStore {
  constructor(token = tokenFromPath()) {
    this.prefix = linkKey(token);
  }

  read(name, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(`${this.prefix}:${name}`));
      return value === null ? fallback : value;
    } catch {
      return fallback;
    }
  }

  write(name, value) {
    localStorage.setItem(`${this.prefix}:${name}`, JSON.stringify(value));
  }

  seat() {
    return this.read("seat", {});
  }

  setSeat(changes) {
    this.write("seat", { ...this.seat(), ...changes });
  }

  forgetSeat() {
    const { name } = this.seat();
    this.write("seat", name ? { name } : {});
  }

  outbox() {
    const list = this.read("outbox", []);
    return Array.isArray(list) ? list : [];
  }

  /** Keep a command before anything is sent: a reload, a browser restart or a crash resends it. */
  push(command) {
    this.write("outbox", [...this.outbox(), command]);
  }

  remove(id) {
    const list = this.outbox();
    const kept = list.filter((command) => command.id !== id);
    if (kept.length !== list.length) this.write("outbox", kept);
  }
}

const RECONNECT_FIRST_S = 0.1;
const RECONNECT_MAX_S = 5;
const PING_EVERY_S = 5;
const SILENT_AFTER_S = 20;

/**
 * One seat's connection to the host on /seat/<token>: hello, welcome (the journal's events), each new
 * event in order, commands answered ack/refused, previews, pings. Reconnects by itself (0.1 s doubling
 * to 5 s, with jitter) and, on every welcome, resends what waits in the outbox in order before anything
 * newer. Calls handlers.onWelcome(welcome), onEvent(seq, event), onAck(command, seq),
 * onRefused(command, reason), onPreview(id, landing), onState(state), onSeatUnknown().
 */
export class SeatConnection {
  constructor(handlers, { store = new SeatStore(), token = tokenFromPath() } = {}) {
    this.handlers = handlers;
    this.store = store;
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/seat/${token}`;
    this.haveSeq = -1;
    this.session = "";
    this.ready = false;
    this.state = "";
    this.attempt = 0;
    this.stopped = false;
    this.transient = new Map(); // commands that live only while the page does (a controller's presses)
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.drop()); // the system says the network is gone
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.checkAlive(); // back from a laptop's sleep
    });
    setInterval(() => this.checkAlive(), 1000);
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      if (this.handlers.onState) this.handlers.onState(state);
    }
  }

  connect() {
    if (this.stopped) return;
    this.ready = false;
    this.setState(this.attempt ? "offline" : "connecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = performance.now();
      socket.send(JSON.stringify(this.hello()));
    };
    socket.onmessage = (message) => {
      if (socket === this.socket) this.receive(message.data);
    };
    socket.onclose = (event) => {
      clearInterval(socket.pinger);
      if (socket !== this.socket) return;
      this.ready = false;
      if (event.code === 4403) { // the host does not know this seat (its run folder was lost): ask
        this.stopped = true;
        this.setState("refused");
        if (this.handlers.onSeatUnknown) this.handlers.onSeatUnknown();
        return;
      }
      if (event.code === 4409) { // the same seat opened elsewhere (another tab): do not fight over it
        this.stopped = true;
        this.setState("replaced");
        if (this.handlers.onReplaced) this.handlers.onReplaced();
        return;
      }
      this.retry();
    };
  }

  retry() {
    this.attempt += 1;
    this.setState("offline");
    const delay = Math.min(RECONNECT_MAX_S, RECONNECT_FIRST_S * 2 ** (this.attempt - 1)) * (0.8 + 0.4 * Math.random());
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay * 1000);
  }

  /** The network came back, or the page woke up: try at once rather than after the backoff. */
  reconnectNow() {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN && this.ready)) return;
    clearTimeout(this.retryTimer);
    if (this.socket && this.socket.readyState === WebSocket.CONNECTING) return;
    this.attempt = Math.max(1, this.attempt);
    this.connect();
  }

  /** Give up the current socket (it may linger, half dead, long after the network went) and retry. */
  drop() {
    if (!this.socket) return;
    const dead = this.socket;
    this.socket = null;
    this.ready = false;
    dead.close();
    this.retry();
  }

  /** A socket that hears nothing for long is dead (a sleep, a cut cable): drop it and reconnect. */
  checkAlive() {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    if ((performance.now() - this.lastHeard) / 1000 > SILENT_AFTER_S) this.drop();
  }

  hello() {
    const seat = this.store.seat();
    const hello = { type: "hello", protocol: PROTOCOL, seat_name: seat.name || "", have_seq: this.haveSeq,
      session: this.session };
    // Who this seat is, the host decided (id and secret in the welcome that made it); without both,
    // the host makes a new seat. An id is never presented alone.
    if (seat.seat_id && seat.seat_secret) {
      hello.seat_id = seat.seat_id;
      hello.seat_secret = seat.seat_secret;
    }
    return hello;
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    this.lastHeard = performance.now();
    switch (message.type) {
      case "welcome": return this.welcome(message);
      case "event": return this.event(message);
      case "ack": return this.answered(message.id, (command) => this.handlers.onAck(command, message.seq));
      case "refused": return this.answered(message.id, (command) => this.handlers.onRefused(command, message.reason));
      case "preview": return this.handlers.onPreview && this.handlers.onPreview(message.id, message.landing || {});
      default: return undefined;
    }
  }

  welcome(message) {
    const changes = {};
    if (message.seat_secret) changes.seat_secret = message.seat_secret; // only in the welcome that made the seat
    if (message.seat_id) changes.seat_id = message.seat_id;
    if (Object.keys(changes).length) this.store.setSeat(changes);
    const fresh = message.session !== this.session || message.from_seq === 0;
    this.session = message.session;
    this.haveSeq = message.from_seq + message.events.length - 1;
    this.handlers.onWelcome(message, fresh);
    this.ready = true;
    this.attempt = 0;
    this.setState("online");
    const socket = this.socket;
    const ping = () => socket.readyState === WebSocket.OPEN
      && socket.send(JSON.stringify({ type: "ping", sent: performance.now() / 1000 }));
    socket.pinger = setInterval(ping, PING_EVERY_S * 1000);
    for (const command of this.store.outbox()) this.transmit(command); // in the order they were typed
    for (const command of this.transient.values()) this.transmit(command);
  }

  event(message) {
    if (message.seq !== this.haveSeq + 1) { // a gap: catch up from what we have
      this.drop();
      return;
    }
    this.haveSeq = message.seq;
    this.handlers.onEvent(message.seq, message.event);
  }

  answered(id, tell) {
    const command = this.store.outbox().find((c) => c.id === id) || this.transient.get(id);
    if (!command) return;
    this.store.remove(id);
    this.transient.delete(id);
    tell(command);
  }

  transmit(command) {
    if (!this.ready || !this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify({ type: "command", id: command.id, command: command.command, args: command.args }));
    return true;
  }

  /** A note, a correction, a deletion: kept in the outbox first, then sent; resent until acknowledged. */
  sendDurable(command, args) {
    const entry = { id: newId(), command, args, made: Date.now() };
    this.store.push(entry);
    this.transmit(entry);
    return entry;
  }

  /** A press on the controller: sent now (false when offline: it is not kept for later), resent with
   * the same id after a reconnect while the page lives, so it is applied once. */
  sendNow(command, args) {
    if (!this.ready) return null;
    const entry = { id: newId(), command, args, made: Date.now() };
    this.transient.set(entry.id, entry);
    this.transmit(entry);
    return entry;
  }

  preview(text) {
    if (!this.ready) return null;
    const id = newId();
    this.socket.send(JSON.stringify({ type: "command", id, command: "preview_note", args: { text } }));
    return id;
  }

  waiting() {
    return this.store.outbox().length;
  }
}
