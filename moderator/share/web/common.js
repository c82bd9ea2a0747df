// What the stage and backstage pages share: the link to the host (WebSocket, reconnection,
// clock offset), the countdown arithmetic and the words. No framework, no build step.

export const FALLBACK_LABELS = {
  connecting: "Connecting…", reconnecting: "Reconnecting…", stale: "Data may be out of date",
  next: "Next", none: "—", min: "min",
  on_time: "On time", warn: "Wrap up", danger: "Almost out of time", overtime: "Overtime",
  paused: "Paused", not_started: "Not started", ended: "Ended",
  enable_sound: "Enable sound", sound_on: "Sound on",
  agenda: "Agenda", planned_start: "Planned", planned_duration: "Planned", actual_start: "Started",
  actual_duration: "Took", difference: "Diff", status: "Status", pace: "Pace", behind: "behind",
  ahead: "ahead", on_schedule: "on schedule", projected_end: "Projected end", message_on_stage: "Message on stage",
  current: "Now", done: "Done", skipped: "Skipped", pending: "", segment: "Segment",
};

/** The UI words: the session's language from the snapshot, English for any word it lacks. */
export function labelsFrom(snapshot) {
  return { ...FALLBACK_LABELS, ...(snapshot && snapshot.labels ? snapshot.labels : {}) };
}

/** The token is the last part of the page's path: /stage/<token>. */
export function tokenFromPath(path = location.pathname) {
  const parts = path.split("/").filter(Boolean);
  return parts.length ? parts[parts.length - 1] : "";
}

/** Local monotonic seconds; never the wall clock, which can jump. */
export const localNow = () => performance.now() / 1000;

/** The whole second shown, as in the console: 07:23 until 7:22 is reached; overtime counts up. */
export function displayedSeconds(remaining) {
  return remaining > 0 ? Math.ceil(remaining) : -Math.floor(-remaining);
}

/** 423 -> "07:23", 4000 -> "1:06:40", -65 -> "+01:05". */
export function clockText(whole) {
  const sign = whole < 0 ? "+" : "";
  const total = Math.abs(whole);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h ? `${sign}${h}:${two(m)}:${two(s)}` : `${sign}${two(m)}:${two(s)}`;
}

/** 600 -> "10 min" (a no-break space), 90 -> "01:30". */
export function durationText(seconds, labels) {
  const whole = Math.round(seconds);
  return whole % 60 === 0 ? `${whole / 60}\u00a0${labels.min}` : clockText(whole);
}

/** Same thresholds as the console: over at 0, then danger, then warn. */
export function levelFor(remaining, snapshot) {
  if (remaining <= 0) return "overtime";
  if (remaining <= snapshot.danger_s) return "danger";
  if (remaining <= snapshot.warn_s) return "warn";
  return "normal";
}

const LEVEL_WORDS = { normal: "on_time", warn: "warn", danger: "danger", overtime: "overtime" };

/** The word beside the countdown, so the level never depends on colour alone. */
export function levelWord(level, status, labels) {
  return (status === "running" ? labels[LEVEL_WORDS[level]] : labels[status]) || "";
}

/** A pace of +200 s reads "03:20 behind"; a pace under a second "on schedule". */
export function paceText(pace, labels) {
  if (pace === null || pace === undefined || Math.abs(pace) < 1) return labels.on_schedule;
  return `${clockText(Math.round(Math.abs(pace)))} ${pace > 0 ? labels.behind : labels.ahead}`;
}

/** Replace an element's children with text nodes only: user text is never parsed as HTML. */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

const PING_EVERY_S = 10;
const BURST = 5;
const KEEP_SAMPLES = 12;
const STALE_AFTER_S = 25;
const DROP_AFTER_S = 35;

/**
 * The connection to the host: reconnects with backoff (1 s .. 10 s), measures the offset between
 * this browser's clock and the host's (the sample with the smallest round trip among the recent
 * ones, NTP's idea) and says when its data is stale. Calls onSnapshot(snapshot) and onState(state)
 * with state one of "connecting", "live", "stale", "reconnecting".
 */
export class HostLink {
  constructor({ onSnapshot, onState, token = tokenFromPath() }) {
    this.onSnapshot = onSnapshot;
    this.onState = onState;
    this.url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/${token}`;
    this.samples = [];
    this.roughOffset = null;
    this.attempt = 0;
    this.state = "";
    this.lastHeard = localNow();
    this.connect();
    setInterval(() => this.watch(), 1000);
  }

  /** The host's clock now, or null before anything was heard from it. */
  hostNow() {
    const offset = this.offset();
    return offset === null ? null : localNow() + offset;
  }

  offset() {
    if (!this.samples.length) return this.roughOffset;
    return this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a)).offset;
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      this.onState(state);
    }
  }

  connect() {
    this.setState(this.attempt ? "reconnecting" : "connecting");
    this.samples = [];
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = localNow();
      for (let i = 0; i < BURST; i += 1) setTimeout(() => this.ping(socket), i * 150);
      socket.pinger = setInterval(() => this.ping(socket), PING_EVERY_S * 1000);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = () => {
      clearInterval(socket.pinger);
      if (socket !== this.socket) return;
      this.attempt += 1;
      this.setState("reconnecting");
      const delay = Math.min(10, 2 ** (this.attempt - 1)) * (0.8 + 0.4 * Math.random());
      setTimeout(() => this.connect(), delay * 1000);
    };
  }

  ping(socket) {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping", sent: localNow() }));
  }

  receive(text) {
    const received = localNow();
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    this.lastHeard = received;
    if (message.type === "pong") this.addSample(message, received);
    if (message.type === "snapshot") {
      if (message.protocol !== 1) console.warn("stage view: unknown protocol", message.protocol);
      if (!this.samples.length) this.roughOffset = message.host_t - received;
      this.attempt = 0;
      this.setState("live");
      this.onSnapshot(message);
    } else if (this.state === "stale") {
      this.setState("live");
    }
  }

  addSample(pong, received) {
    const rtt = received - pong.sent;
    if (!(rtt >= 0)) return;
    const sample = { rtt, offset: pong.host_t - (pong.sent + received) / 2 };
    const best = this.samples.length ? this.offset() : null;
    // A jump larger than the round trip allows means a clock moved (a laptop slept): start afresh.
    if (best !== null && Math.abs(sample.offset - best) > 0.5 + rtt) this.samples = [];
    this.samples.push(sample);
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
  }

  watch() {
    const silent = localNow() - this.lastHeard;
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (silent > DROP_AFTER_S) this.socket.close();
    else if (silent > STALE_AFTER_S) this.setState("stale");
  }
}

/** Seconds left in the current segment on the host's clock; null when there is nothing to count. */
export function remainingNow(snapshot, link) {
  if (!snapshot || !snapshot.segment) return null;
  const hostNow = link.hostNow();
  if (snapshot.status === "running" && snapshot.deadline_host_t !== null && hostNow !== null) {
    return (snapshot.deadline_host_t - hostNow) * (snapshot.rate || 1); // rate: a faster rehearsal's clock
  }
  return snapshot.remaining_s ?? null;
}

/** Call render() every animation frame, and every 250 ms when frames are throttled (hidden tab, OBS). */
export function everyFrame(render) {
  const loop = () => {
    render();
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  setInterval(render, 250);
}
