// detente dashboard: helpers shared by every page (API calls, URL-backed filters, DOM and SVG building).
"use strict";

const detente = (() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };

  /** GET /api/v1/<path> with the non-empty entries of `query`; throws with the API's error code and message. */
  async function api(path, query) {
    const url = new URL("/api/v1/" + path, location.origin);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
    }
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) {
      const error = body.error || {};
      throw new Error(`${error.code || response.status}: ${error.message || response.statusText}`);
    }
    return body;
  }

  /** The current URL's query parameters, limited to `names`, as a plain object. */
  function urlFilters(names) {
    const params = new URLSearchParams(location.search);
    const filters = {};
    for (const name of names) if (params.get(name)) filters[name] = params.get(name);
    return filters;
  }

  /** Fill `form` from the URL; on submit, write its values to the URL (shareable) and call `onChange`. */
  function bindFilters(form, onChange) {
    const fill = () => {
      const params = new URLSearchParams(location.search);
      for (const field of form.elements) if (field.name) field.value = params.get(field.name) || "";
    };
    fill();
    form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      const next = new URLSearchParams();
      for (const field of form.elements) {
        if (field.name && field.value.trim()) next.set(field.name, field.value.trim());
      }
      const query = next.toString();
      history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
      keepFiltersInNav();
      onChange();
    });
    addEventListener("popstate", () => { fill(); keepFiltersInNav(); onChange(); });
  }

  /** Navigation links carry the current filters, so switching view keeps the selection. */
  function keepFiltersInNav() {
    for (const link of document.querySelectorAll("header nav a")) {
      link.href = link.dataset.page + location.search;
      link.classList.toggle("here", location.pathname === link.dataset.page);
    }
  }

  /** An HTML element with attributes and children (strings become text nodes, never markup). */
  function html(tag, attrs, ...children) {
    const node = document.createElement(tag);
    return fill(node, attrs, children);
  }

  /** An SVG element with attributes and children. */
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    return fill(node, attrs, children);
  }

  function fill(node, attrs, children) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** "coop", "conflict" or "neutral" for a PLOVER quad code. */
  function quadClass(quad) {
    if (quad === 1 || quad === 2) return "coop";
    if (quad === 3 || quad === 4) return "conflict";
    return "neutral";
  }

  /** "RUS GOV (Sergei Lavrov)"-style label of an entity object. */
  function entityLabel(entity) {
    if (!entity) return "?";
    const code = [entity.code, ...(entity.sector || [])].filter(Boolean).join(" ");
    const name = entity.identifier_text || entity.entity_text;
    return name ? `${code || "?"} (${name})` : code || "?";
  }

  /** Link to the document view, focused on an event (`#event-ID`) or a character range (`#span-S-E`). */
  function documentLink(docId, anchor) {
    return "/document?id=" + encodeURIComponent(docId) + (anchor ? "#" + anchor : "");
  }

  /** A Date for an ISO date prefix (YYYY, YYYY-MM or YYYY-MM-DD), else null. */
  function parseDay(value) {
    const match = /^(\d{4})(-\d{2})?(-\d{2})?/.exec(value || "");
    if (!match) return null;
    const day = new Date(match[0].length === 4 ? match[0] + "-01-01" : match[0]);
    return isNaN(day) ? null : day;
  }

  function status(message, isError) {
    const line = document.getElementById("status");
    if (!line) return;
    line.textContent = message;
    line.classList.toggle("error", Boolean(isError));
  }

  document.addEventListener("DOMContentLoaded", keepFiltersInNav);

  return { api, urlFilters, bindFilters, html, svg, quadClass, entityLabel, documentLink, parseDay, status,
           QUAD_NAMES };
})();
