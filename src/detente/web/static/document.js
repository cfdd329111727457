// Document view: the article with actors, events, quotes, times and places highlighted; each event's
// sentence links to its record card and each card back to its sentence (#event-ID, #record-ID, #span-S-E).
"use strict";

const { api, html, entityLabel, quadClass, status } = detente;

async function load() {
  const docId = new URLSearchParams(location.search).get("id");
  if (!docId) { status("Give a document id: /document?id=…", true); return; }
  try {
    const [record, mentions] = await Promise.all([api("documents/" + encodeURIComponent(docId)),
                                                  api(`documents/${encodeURIComponent(docId)}/mentions`)]);
    render(record, mentions.mentions);
    focusHash();
  } catch (error) {
    status(error.message, true);
  }
}

/** Annotations as [start, end, kind, attributes]; events cover their sentence (text_info). */
function annotations(record, mentions) {
  const spans = [];
  for (const event of record.events) {
    const info = event.text_info || {};
    if (Number.isInteger(info.start) && Number.isInteger(info.end)) spans.push([info.start, info.end, "event", { event: event.id }]);
  }
  for (const m of mentions) if (m.code && Number.isInteger(m.start_offset)) spans.push([m.start_offset, m.end_offset, "actor", { title: `${m.label} ${m.identifier_text || ""}` }]);
  for (const q of record.quotes) spans.push([q.start, q.end, "quote", { title: `quote (${q.kind}) by ${entityLabel(q.speaker)}` }]);
  for (const t of record.timexes) spans.push([t.start, t.end, "time", { title: `${t.type} ${t.value || "?"}` }]);
  for (const c of record.commitments) spans.push([c.evidence.start, c.evidence.end, "commitment", { title: `commitment: ${c.what}, due ${c.due || "?"}` }]);
  for (const s of record.stances) spans.push([s.evidence.start, s.evidence.end, "stance", { title: `stance: ${entityLabel(s.holder)} ${s.polarity} ${s.issue}` }]);
  for (const p of record.places) spans.push([p.start, p.end, "place", { title: `${p.name || p.text} (${p.country || "?"})` }]);
  return spans.filter(([start, end]) => Number.isInteger(start) && Number.isInteger(end) && end > start);
}

/** The body cut at every annotation boundary; each piece carries the classes of the spans over it. */
function renderArticle(body, spans) {
  const cuts = new Set([0, body.length]);
  for (const [start, end] of spans) { cuts.add(Math.max(0, start)); cuts.add(Math.min(body.length, end)); }
  const points = [...cuts].sort((a, b) => a - b);
  const article = document.getElementById("article");
  article.replaceChildren();
  const anchored = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    const over = spans.filter(([start, end]) => start <= from && end >= to);
    const piece = body.slice(from, to);
    if (!over.length) { article.append(piece); continue; }
    const node = html("span", { class: [...new Set(over.map((span) => span[2]))].join(" "), "data-start": from, "data-end": to });
    const titles = over.map((span) => span[3].title).filter(Boolean);
    if (titles.length) node.title = titles.join("\n");
    const events = over.filter((span) => span[2] === "event").map((span) => span[3].event);
    if (events.length) {
      node.dataset.events = events.join(" ");
      node.addEventListener("click", () => { location.hash = "record-" + events[0]; });
      for (const id of events) {
        if (!anchored.has(id)) { anchored.add(id); article.append(html("a", { id: "event-" + id, class: "anchor" })); }
      }
    }
    node.append(piece);
    article.append(node);
  }
}

function eventCard(event) {
  const kind = quadClass(event.quad_code);
  return html("div", { class: "card", id: "record-" + event.id },
    html("div", {}, html("span", { class: "tag " + kind }, (event.event || []).join("/") || "?"), " ",
      (event.actor || []).map(entityLabel).join(", "), " → ", (event.recipient || []).map(entityLabel).join(", ") || "—"),
    html("div", { class: "meta" }, `${event.date || "no date"} (${event.date_precision}) · ${event.status} · quad ${event.quad_code ?? "?"}`
      + ` · trigger “${event.event_text}”${event.event_loc ? " · " + (event.event_loc.name || event.event_loc.text) : ""}`),
    html("div", {}, html("a", { href: "#event-" + event.id, class: "to-sentence" }, "sentence"), " · ",
      html("a", { href: "/api/v1/events/" + encodeURIComponent(event.id) }, "record (JSON)")),
    html("details", {}, html("summary", {}, "all fields"), html("pre", {}, JSON.stringify(event, null, 1))));
}

function spanLink(start, end, text) {
  return html("a", { href: `#span-${start}-${end}` }, text);
}

function render(record, mentions) {
  document.title = "detente · " + (record.title || record.id);
  document.getElementById("title").textContent = record.title || record.id;
  document.getElementById("meta").textContent = [record.outlet, record.published, record.url, record.id].filter(Boolean).join(" · ");
  renderArticle(record.body, annotations(record, mentions));
  document.getElementById("event-cards").replaceChildren(...record.events.map(eventCard));
  document.getElementById("quote-cards").replaceChildren(...record.quotes.map((q) => html("div", { class: "card" },
    `“${q.text}” — ${entityLabel(q.speaker)} (${q.kind}) `, spanLink(q.start, q.end, "in text"))));
  document.getElementById("commitment-cards").replaceChildren(...record.commitments.map((c) => html("div", { class: "card" },
    html("span", { class: "tag " + (c.status === "kept" ? "coop" : c.status === "missed" ? "conflict" : "neutral") }, c.status || "pending"),
    ` ${c.what} — due ${c.due || "?"} (${c.firmness}) `, spanLink(c.evidence.start, c.evidence.end, "in text"))));
  document.getElementById("time-cards").replaceChildren(...record.timexes.map((t) => html("div", { class: "card" },
    `${t.text} → ${t.value || "?"} ${t.mod || ""} `, spanLink(t.start, t.end, "in text"))));
  document.getElementById("place-cards").replaceChildren(...record.places.map((p) => html("div", { class: "card" },
    `${p.text} → ${p.name || "?"} (${p.country || "?"})${p.lat != null ? ` ${p.lat}, ${p.lon}` : ""} `, spanLink(p.start, p.end, "in text"))));
  status(`${record.events.length} events, ${record.quotes.length} quotes, ${record.timexes.length} times, ${record.places.length} places`);
}

/** Highlight and scroll to what the URL's hash names: an event's sentence, its record card, or a range. */
function focusHash() {
  for (const node of document.querySelectorAll(".focus")) node.classList.remove("focus");
  const hash = decodeURIComponent(location.hash.slice(1));
  let targets = [];
  if (hash.startsWith("event-")) {
    const id = hash.slice("event-".length);
    targets = [...document.querySelectorAll("#article span[data-events]")].filter((node) => node.dataset.events.split(" ").includes(id));
  } else if (hash.startsWith("record-")) {
    targets = [document.getElementById(hash)].filter(Boolean);
  } else if (hash.startsWith("span-")) {
    const [start, end] = hash.slice(5).split("-").map(Number);
    targets = [...document.querySelectorAll("#article span[data-start]")].filter((node) => Number(node.dataset.start) >= start && Number(node.dataset.end) <= end);
  }
  for (const node of targets) node.classList.add("focus");
  if (targets.length) targets[0].scrollIntoView({ block: "center" });
}

addEventListener("hashchange", focusHash);
load();
