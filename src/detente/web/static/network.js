// Actor network page: actors on a circle, edges coloured by cooperation vs conflict and weighted by count.
"use strict";

const { api, urlFilters, bindFilters, html, svg, status } = detente;
const EVENT_FILTERS = ["actor", "recipient", "category", "quad_code", "status", "since", "until", "place", "q"];
const SIZE = 700;

async function load() {
  status("Loading…");
  try {
    const network = await api("network", { ...urlFilters(EVENT_FILTERS), limit: 300 });
    draw(network);
    listEdges(network.edges);
    status(`${network.nodes.length} actors, ${network.edges.length} links`);
  } catch (error) {
    status(error.message, true);
  }
}

function draw(network) {
  const box = document.getElementById("network");
  box.replaceChildren();
  if (!network.nodes.length) { box.append(html("p", {}, "No actor-to-recipient events for these filters.")); return; }
  const nodes = [...network.nodes].sort((a, b) => b.events - a.events);
  const centre = SIZE / 2, radius = SIZE / 2 - 60;
  const at = new Map(nodes.map((node, i) => {
    const angle = 2 * Math.PI * i / nodes.length - Math.PI / 2;
    return [node.id, [centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)]];
  }));
  const heaviest = Math.max(...network.edges.map((edge) => edge.events), 1);
  const chart = svg("svg", { viewBox: `0 0 ${SIZE} ${SIZE}`, role: "img", "aria-label": "actor network", style: "max-width:760px" });
  for (const edge of network.edges) {
    const [x1, y1] = at.get(edge.source), [x2, y2] = at.get(edge.target);
    const kind = edge.conflict > edge.cooperation ? "conflict" : edge.cooperation ? "coop" : "neutral";
    const width = 1 + 7 * Math.sqrt(edge.events / heaviest);
    const title = `${edge.source} → ${edge.target}: ${edge.events} events (${edge.cooperation} cooperation, ${edge.conflict} conflict)`;
    if (edge.source === edge.target) {
      chart.append(svg("circle", { cx: x1, cy: y1 - 16, r: 14, class: "edge " + kind, fill: "none", "stroke-width": width, "fill-opacity": 0 }, svg("title", {}, title)));
    } else {
      chart.append(svg("line", { x1, y1, x2, y2, class: "edge " + kind, "stroke-width": width, "data-edge": `${edge.source}-${edge.target}` }, svg("title", {}, title)));
    }
  }
  const biggest = Math.max(...nodes.map((node) => node.events), 1);
  for (const node of nodes) {
    const [x, y] = at.get(node.id);
    const filtered = new URLSearchParams(location.search);
    filtered.set("actor", node.id);
    chart.append(svg("a", { href: "/timeline?" + filtered, class: "node" },
      svg("circle", { cx: x, cy: y, r: 6 + 12 * Math.sqrt(node.events / biggest), fill: "#2f5fa7", stroke: "#fff" }, svg("title", {}, `${node.id}: ${node.events} events`)),
      svg("text", { x, y: y + (y < centre ? -22 : 30), "text-anchor": "middle", style: "font-size:13px;fill:#1d2430" }, node.id)));
  }
  box.append(chart);
}

function listEdges(edges) {
  const head = html("tr", {}, ["source", "target", "events", "cooperation", "conflict"].map((name) => html("th", {}, name)));
  const rows = edges.map((edge) => html("tr", { class: "edge-row" },
    [edge.source, edge.target, edge.events, edge.cooperation, edge.conflict].map((value) => html("td", {}, value))));
  document.getElementById("edges").replaceChildren(head, ...rows);
}

bindFilters(document.getElementById("filters"), load);
load();
