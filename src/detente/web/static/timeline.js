// Timeline page: events and commitment due dates over time, the event list, the stance matrix, key quotes.
"use strict";

const { api, urlFilters, bindFilters, html, svg, quadClass, entityLabel, documentLink, parseDay, status } = detente;
const EVENT_FILTERS = ["actor", "recipient", "category", "quad_code", "status", "since", "until", "place", "q"];
const WIDTH = 1000, LANE = 34, LEFT = 150, RIGHT = 20, TOP = 10;
const LANES = ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict", "uncoded", "commitments due"];

async function load() {
  const filters = urlFilters(EVENT_FILTERS);
  status("Loading…");
  try {
    loadProcesses(urlFilters(["process"]).process).catch((error) => status(error.message, true));
    const [events, commitments, stances, quotes] = await Promise.all([
      api("events", { ...filters, sort: "date", limit: 500 }),
      api("commitments", { due_after: filters.since, due_before: filters.until, limit: 500 }),
      api("stances", { holder: filters.actor, limit: 500 }),
      api("quotes", { speaker: filters.actor, q: filters.q, limit: 12 }),
    ]);
    drawTimeline(events.events, commitments.commitments);
    listEvents(events.events, events.next_cursor);
    listCommitments(commitments.commitments);
    drawStances(stances.stances);
    listQuotes(quotes.quotes);
    const downloads = new URLSearchParams(filters).toString();
    document.getElementById("download-csv").href = "/api/v1/events.csv?" + downloads;
    document.getElementById("download-parquet").href = "/api/v1/events.parquet?" + downloads;
    status(`${events.events.length}${events.next_cursor ? "+" : ""} events, ${commitments.commitments.length} commitments`);
  } catch (error) {
    status(error.message, true);
  }
}

/** The processes list, and the chosen process's own dated sequence when the URL names one (?process=ID). */
async function loadProcesses(chosen) {
  const { processes } = await api("processes", {});
  const items = processes.map((p) => html("li", {},
    html("a", { href: "?process=" + encodeURIComponent(p.id), "data-process": p.id }, p.name),
    ` ${p.start || "?"} – ${p.end || "?"}, ${p.events} events, ${p.documents} documents`));
  document.getElementById("processes").replaceChildren(...items);
  const table = document.getElementById("process-timeline");
  if (!chosen) { table.replaceChildren(); return; }
  const { timeline } = await api("processes/" + encodeURIComponent(chosen) + "/timeline", {});
  const head = html("tr", {}, ["date", "kind", "what", "status", "sources"].map((name) => html("th", {}, name)));
  table.replaceChildren(head, ...timeline.map((t) => html("tr", {}, html("td", {}, t.date || ""), html("td", {}, t.kind),
    html("td", {}, t.what), html("td", {}, t.status || ""), html("td", {}, String(t.sources ?? "")))));
}

function eventDay(event) {
  return parseDay(event.date) || parseDay(event.document.published);
}

function drawTimeline(events, commitments) {
  const dated = events.map((event) => [eventDay(event), event]).filter(([day]) => day);
  const due = commitments.map((c) => [parseDay(c.due_date), c]).filter(([day]) => day);
  const days = [...dated, ...due].map(([day]) => day.getTime());
  const box = document.getElementById("timeline");
  box.replaceChildren();
  if (!days.length) { box.append(html("p", {}, "No dated events for these filters.")); return; }
  let first = Math.min(...days), last = Math.max(...days);
  if (first === last) { first -= 86400000 * 3; last += 86400000 * 3; }
  const x = (time) => LEFT + (WIDTH - LEFT - RIGHT) * (time - first) / (last - first);
  const height = TOP + LANE * LANES.length + 30;
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": "timeline" });
  LANES.forEach((name, lane) => {
    const y = TOP + lane * LANE + LANE / 2;
    chart.append(svg("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, stroke: "#e6e9ee" }),
                 svg("text", { x: 4, y: y + 4 }, name));
  });
  for (let tick = 0; tick <= 5; tick++) {
    const time = first + (last - first) * tick / 5;
    const anchor = tick === 0 ? "start" : tick === 5 ? "end" : "middle";
    chart.append(svg("text", { x: x(time), y: height - 8, "text-anchor": anchor }, new Date(time).toISOString().slice(0, 10)));
  }
  const stacked = new Map();  // dots at the same spot in a lane are fanned out vertically, not overdrawn
  const offset = (lane, px) => {
    const key = `${lane}:${Math.round(px / 6)}`;
    const count = stacked.get(key) || 0;
    stacked.set(key, count + 1);
    return ((count % 5) - 2) * 5;
  };
  for (const [day, event] of dated) {
    const lane = event.quad_code >= 1 && event.quad_code <= 4 ? event.quad_code - 1 : 4;
    const px = x(day.getTime());
    const y = TOP + lane * LANE + LANE / 2 + offset(lane, px);
    const label = `${event.date || ""} ${(event.event || []).join("/")}: ${(event.actor || []).map(entityLabel).join(", ")}`
      + ` → ${(event.recipient || []).map(entityLabel).join(", ") || "—"} (${event.status})`;
    chart.append(svg("a", { href: documentLink(event.document.id, "event-" + event.id), class: "event-dot", "data-event-id": event.id },
      svg("circle", { cx: px, cy: y, r: 5, class: quadClass(event.quad_code) }, svg("title", {}, label))));
  }
  for (const [day, commitment] of due) {
    const lane = LANES.length - 1;
    const px = x(day.getTime());
    const y = TOP + lane * LANE + LANE / 2 + offset(lane, px);
    const state = commitment.status || "pending";
    chart.append(svg("a", { href: documentLink(commitment.doc_id, `span-${commitment.start_offset}-${commitment.end_offset}`), class: "commitment-mark" },
      svg("path", { d: `M${px} ${y - 6} L${px + 6} ${y} L${px} ${y + 6} L${px - 6} ${y} Z`, class: state },
        svg("title", {}, `due ${commitment.due} (${state}): ${commitment.what}`))));
  }
  box.append(chart);
}

function listEvents(events, more) {
  const rows = events.map((event) => html("tr", { "data-event-id": event.id },
    html("td", {}, event.date || ""),
    html("td", {}, html("span", { class: "tag " + quadClass(event.quad_code) }, (event.event || []).join("/") || "?")),
    html("td", {}, (event.actor || []).map(entityLabel).join(", ")),
    html("td", {}, (event.recipient || []).map(entityLabel).join(", ")),
    html("td", {}, event.status),
    html("td", {}, event.event_text),
    html("td", {}, html("a", { href: documentLink(event.document.id, "event-" + event.id) }, event.document.title || event.document.id))));
  const head = html("tr", {}, ["date", "category", "actor", "recipient", "status", "trigger", "source"].map((name) => html("th", {}, name)));
  document.getElementById("events").replaceChildren(head, ...rows);
  if (more) document.getElementById("events").append(html("tr", {}, html("td", { colspan: 7 }, "More events match: narrow the filters or download them.")));
}

function listCommitments(commitments) {
  const head = html("tr", {}, ["due", "status", "what", "by", "firmness", "source"].map((name) => html("th", {}, name)));
  const rows = commitments.map((c) => html("tr", {},
    html("td", {}, c.due || "—"), html("td", { class: c.status }, c.status), html("td", {}, c.what),
    html("td", {}, (c.by_labels || []).join(", ")), html("td", {}, c.firmness),
    html("td", {}, html("a", { href: documentLink(c.doc_id, `span-${c.start_offset}-${c.end_offset}`) }, "sentence"))));
  document.getElementById("commitments").replaceChildren(head, ...rows);
}

function drawStances(stances) {
  const issues = [...new Set(stances.map((s) => s.issue))].sort();
  const holders = [...new Set(stances.map((s) => s.holder_name || s.holder_label))].sort();
  const cells = new Map();
  for (const stance of stances) {
    const key = `${stance.holder_name || stance.holder_label}\u0001${stance.issue}`;
    const cell = cells.get(key) || { for: 0, against: 0, doc: stance.doc_id, start: stance.start_offset, end: stance.end_offset };
    cell[stance.polarity] = (cell[stance.polarity] || 0) + 1;
    cells.set(key, cell);
  }
  const table = document.getElementById("stances");
  if (!stances.length) { table.replaceChildren(html("tr", {}, html("td", {}, "No stances recorded."))); return; }
  const head = html("tr", {}, html("th", {}, "actor \\ issue"), issues.map((issue) => html("th", {}, issue)));
  const rows = holders.map((holder) => html("tr", {}, html("th", {}, holder), issues.map((issue) => {
    const cell = cells.get(`${holder}\u0001${issue}`);
    if (!cell) return html("td", {}, "");
    const kind = cell.for && cell.against ? "mixed" : cell.for ? "for" : "against";
    return html("td", { class: kind }, html("a", { href: documentLink(cell.doc, `span-${cell.start}-${cell.end}`) }, kind));
  })));
  table.replaceChildren(head, ...rows);
}

function listQuotes(quotes) {
  const box = document.getElementById("quotes");
  box.replaceChildren(...quotes.map((quote) => html("blockquote", {},
    `“${quote.text}” — ${quote.speaker_name || quote.speaker_label || "unattributed"} `,
    html("a", { href: documentLink(quote.doc_id, `span-${quote.start_offset}-${quote.end_offset}`) }, "source"))));
  if (!quotes.length) box.append(html("p", {}, "No quotes for these filters."));
}

bindFilters(document.getElementById("filters"), load);
load();
