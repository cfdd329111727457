// Map page: event locations on an equirectangular projection over a dotted land outline from the gazetteer.
"use strict";

const { api, urlFilters, bindFilters, html, svg, status } = detente;
const EVENT_FILTERS = ["actor", "recipient", "category", "quad_code", "status", "since", "until", "place", "q"];
const SCALE = 2;  // pixels per degree: the world is 720 x 360
const project = (lat, lon) => [(lon + 180) * SCALE, (90 - lat) * SCALE];
let basemap = null;

async function load() {
  status("Loading…");
  try {
    basemap = basemap || await api("basemap");
    const map = await api("map", { ...urlFilters(EVENT_FILTERS), limit: 2000 });
    draw(map.places);
    listPlaces(map.places);
    status(`${map.places.length} places`);
  } catch (error) {
    status(error.message, true);
  }
}

function draw(places) {
  const chart = svg("svg", { viewBox: `0 0 ${360 * SCALE} ${180 * SCALE}`, role: "img", "aria-label": "map of event locations" });
  for (const [lat, lon] of basemap.cells) {
    const [x, y] = project(lat, lon);
    chart.append(svg("circle", { cx: x, cy: y, r: basemap.step * SCALE * 0.42, class: "land" }));
  }
  const biggest = Math.max(...places.map((place) => place.events), 1);
  for (const place of places) {
    const [x, y] = project(place.lat, place.lon);
    const kind = place.conflict > place.cooperation ? "conflict" : place.cooperation ? "coop" : "neutral";
    const filtered = new URLSearchParams(location.search);
    filtered.set("place", place.name || place.country || "");
    chart.append(svg("a", { href: "/timeline?" + filtered },
      svg("circle", { cx: x, cy: y, r: 2.5 + 10 * Math.sqrt(place.events / biggest), class: "place " + kind },
        svg("title", {}, `${place.name} (${place.country || "?"}): ${place.events} events`))));
  }
  document.getElementById("map").replaceChildren(chart);
}

function listPlaces(places) {
  const head = html("tr", {}, ["place", "country", "events", "cooperation", "conflict"].map((name) => html("th", {}, name)));
  const rows = places.map((place) => html("tr", { class: "place-row" },
    [place.name, place.country, place.events, place.cooperation, place.conflict].map((value) => html("td", {}, value ?? ""))));
  document.getElementById("places").replaceChildren(head, ...rows);
}

bindFilters(document.getElementById("filters"), load);
load();
