// Tiny inline-SVG charts for the Loupe browser (no library, no CDN). Everything is built with
// DOM APIs (createElementNS + textContent), never markup strings, so labels cannot inject code.
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return "–";
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(1);
    return String(Math.round(x * 1000) / 1000);
  }
  /**
   * Histogram of bins [edges[i], edges[i+1]) with counts[i]. opts: {width, height, xLabel, cls,
   * tickFormat(edge)}. Each bar carries a <title> with its range and count (hover).
   */
  function histogram(edges, counts, opts) {
    const o = Object.assign({width: 420, height: 160, xLabel: "", cls: "hist", tickFormat: fmt}, opts || {});
    const padL = 40, padB = 34, padT = 8, padR = 8;
    const w = o.width - padL - padR, h = o.height - padT - padB;
    const svg = el("svg", {width: o.width, height: o.height, viewBox: `0 0 ${o.width} ${o.height}`, class: o.cls, role: "img"});
    const max = Math.max(1, ...counts);
    const bw = w / Math.max(1, counts.length);
    counts.forEach((c, i) => {
      const bh = h * c / max;
      const r = el("rect", {x: padL + i * bw + 0.5, y: padT + h - bh, width: Math.max(1, bw - 1), height: bh, class: "bar"}, svg);
      el("title", {}, r).textContent = `[${o.tickFormat(edges[i])}, ${o.tickFormat(edges[i + 1])}): ${c}`;
    });
    el("line", {x1: padL, y1: padT + h, x2: padL + w, y2: padT + h, class: "axis"}, svg);
    el("line", {x1: padL, y1: padT, x2: padL, y2: padT + h, class: "axis"}, svg);
    el("text", {x: padL - 4, y: padT + 8, "text-anchor": "end", class: "tick"}, svg).textContent = String(max);
    el("text", {x: padL - 4, y: padT + h, "text-anchor": "end", class: "tick"}, svg).textContent = "0";
    const ticks = Math.min(5, counts.length);
    for (let t = 0; t <= ticks; t++) {
      const i = Math.round(t * counts.length / ticks);
      el("text", {x: padL + i * bw, y: padT + h + 13, "text-anchor": "middle", class: "tick"}, svg).textContent = o.tickFormat(edges[i]);
    }
    el("text", {x: padL + w / 2, y: o.height - 4, "text-anchor": "middle", class: "label"}, svg).textContent = o.xLabel;
    return svg;
  }
  /** Horizontal bars for signed values (logit effects): [{label, value}], positive right, negative left. */
  function signedBars(rows, opts) {
    const o = Object.assign({width: 300, row: 16, cls: "bars"}, opts || {});
    const height = Math.max(1, rows.length) * o.row + 4;
    const svg = el("svg", {width: o.width, height, viewBox: `0 0 ${o.width} ${height}`, class: o.cls, role: "img"});
    const max = Math.max(1e-12, ...rows.map(r => Math.abs(r.value || 0)));
    const mid = o.width / 2, half = o.width / 2 - 2;
    rows.forEach((r, i) => {
      const len = half * Math.abs(r.value || 0) / max;
      const x = r.value >= 0 ? mid : mid - len;
      const rect = el("rect", {x, y: 2 + i * o.row, width: Math.max(1, len), height: o.row - 3, class: r.value >= 0 ? "pos" : "neg"}, svg);
      el("title", {}, rect).textContent = `${r.label}: ${r.value}`;
    });
    el("line", {x1: mid, y1: 0, x2: mid, y2: height, class: "axis"}, svg);
    return svg;
  }
  return {histogram, signedBars, fmt};
})();
