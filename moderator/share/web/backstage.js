// The backstage view: read-only, for organizers. The agenda planned vs actual, the pace and the
// projected end in every zone, the current segment counting down, and what the speaker sees.
import {
  HostLink, clockText, displayedSeconds, everyFrame, labelsFrom, levelFor, levelWord, paceText, remainingNow, setText,
} from "./common.js";

const $ = (id) => document.getElementById(id);
const STATUS_SYMBOLS = { done: "✓", current: "▶", next: "›", skipped: "–", pending: "" };

let snapshot = null;
let labels = labelsFrom(null);
let linkState = "connecting";
let shownCountdown = "";

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
  $("connection").hidden = !problem;
  document.body.classList.toggle("stale", problem && snapshot !== null);
  setText($("connection"), problem ? `⚠ ${labels[linkState === "stale" ? "stale" : linkState]}` : "");
}

/** A new element with text content only. */
function cell(tag, text, className = "") {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function applySnapshot() {
  document.documentElement.lang = snapshot.language || "en";
  document.title = `${snapshot.title} · ${labels.backstage || "Backstage"}`;
  setText($("session-title"), snapshot.title || "");
  const segment = snapshot.segment;
  setText($("segment-position"), segment ? `${segment.number} / ${segment.count}` : "");
  setText($("segment-title"), segment ? segment.title : labels[snapshot.status] || "");
  setText($("speakers"), segment ? segment.speakers.join(" · ") : "");
  setText($("pace-label"), labels.pace);
  setText($("pace"), paceText(snapshot.pace_s, labels));
  setText($("end-label"), labels.projected_end);
  const ends = Object.entries(snapshot.projected_end || {}).map(([zone, time]) => `${time} ${zone}`);
  setText($("projected-end"), ends.join(" · ") || labels.none);
  setText($("message-label"), labels.message_on_stage);
  const message = snapshot.message && snapshot.message.text ? snapshot.message.text : "";
  setText($("message"), message || labels.none);
  $("message").classList.toggle("message-on", Boolean(message));
  const flags = [snapshot.flash ? `⚡ ${labels.flashing || "Stage flashing"}` : "",
    snapshot.blackout ? `■ ${labels.blackout || "Stage black"}` : ""].filter(Boolean);
  setText($("flags"), flags.join("  "));
  setText($("agenda-label"), labels.agenda);
  showAgenda(snapshot.agenda || [], snapshot.zones || []);
  showConnection();
}

/** Two header rows: "planned start" once over its zones, so that no two columns say "planned" alike
 * and the table fits 1440 px with three zones. */
function showAgenda(agenda, zones) {
  const spanning = (text, rows, columns = 1) => {
    const th = cell("th", text);
    if (rows > 1) th.rowSpan = rows;
    if (columns > 1) th.colSpan = columns;
    return th;
  };
  const two = zones.length ? 2 : 1;
  $("agenda-head").replaceChildren(
    spanning("#", two), spanning(labels.segment, two),
    ...(zones.length ? [spanning(labels.planned_start, 1, zones.length)] : []),
    spanning(labels.planned_duration, two), spanning(labels.actual_start, two), spanning(labels.actual_duration, two),
    spanning(labels.difference, two), spanning(labels.status, two),
  );
  $("agenda-zones").replaceChildren(...zones.map((zone) => cell("th", zone, "zone")));
  $("agenda-zones").hidden = !zones.length;
  $("agenda").replaceChildren(...agenda.map((item) => agendaRow(item, zones)));
}

function agendaRow(item, zones) {
  const row = document.createElement("tr");
  row.className = item.status;
  const title = cell("td", item.title, "title");
  const kind = item.kind_label || item.kind;  // in the session's language
  if (kind) title.append(" ", cell("span", kind, "kind"));
  const difference = item.actual_s === null || item.actual_s === undefined ? null : item.actual_s - item.planned_s;
  const differenceText = difference === null ? "" : signed(Math.round(difference));
  const differenceClass = `time${difference > 0 ? " late" : difference < 0 ? " early" : ""}`;
  row.append(
    cell("td", String(item.number)),
    title,
    ...zones.map((zone) => cell("td", (item.planned_start || {})[zone] || "", "time")),
    cell("td", clockText(Math.round(item.planned_s)), "time"),
    cell("td", item.actual_start || "", "time"),
    cell("td", item.actual_s === null || item.actual_s === undefined ? "" : clockText(Math.round(item.actual_s)), "time"),
    cell("td", differenceText, differenceClass),
    cell("td", `${STATUS_SYMBOLS[item.status] || ""} ${labels[item.status] || ""}`.trim(), "status"),
  );
  return row;
}

/** 5 -> "+00:05", -70 -> "-01:10", 0 -> "00:00". */
function signed(seconds) {
  return `${seconds > 0 ? "+" : seconds < 0 ? "-" : ""}${clockText(Math.abs(seconds))}`;
}

/** Runs every frame; touches the page only when the shown second changes. */
function render() {
  const remaining = remainingNow(snapshot, link);
  const text = remaining === null ? "--:--" : clockText(displayedSeconds(remaining));
  const level = remaining === null ? "normal" : levelFor(remaining, snapshot);
  const state = `${text} ${level} ${snapshot ? snapshot.status : ""}`;
  if (state === shownCountdown) return;
  shownCountdown = state;
  setText($("countdown"), text);
  $("now").dataset.level = level;
  setText($("level-word"), levelWord(level, snapshot ? snapshot.status : "", labels));
}

showConnection();
everyFrame(render);
