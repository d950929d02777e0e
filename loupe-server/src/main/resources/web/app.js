// Loupe feature browser front end: a hash router (#/, #/d/<dict>, #/d/<dict>/f/<i>, #/search?q=,
// #/live, #/steer) whose pages are built from the JSON API with DOM APIs only. Every string from
// the server (token strings, example text, explanations, names) is untrusted: it is only ever
// assigned through textContent / attribute setters, never parsed as HTML.
"use strict";
(() => {
  const app = document.getElementById("app");
  const fmt = Charts.fmt;
  let status = null;

  // ---- DOM helpers --------------------------------------------------------------------------
  function h(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") e.textContent = String(v);
      else if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const enc = encodeURIComponent;
  const featureHref = (dict, f) => `#/d/${enc(dict)}/f/${f}`;
  const featureLink = (dict, f, label) => h("a", {href: featureHref(dict, f), class: "flink", text: label || `${dict} #${f}`});
  function table(headers, rows, props) {
    return h("table", props || {}, h("thead", {}, h("tr", {}, headers.map(x => h("th", {text: x})))),
      h("tbody", {}, rows.map(r => h("tr", {class: r.cls}, r.cells.map(c => h("td", {}, c))))));
  }
  function section(title, ...body) { return h("section", {}, h("h2", {text: title}), ...body); }
  function show(...nodes) { app.replaceChildren(...nodes); window.scrollTo(0, 0); }
  function errorBox(msg) { return h("div", {class: "error", role: "alert", text: msg}); }

  async function api(path, body) {
    const init = body === undefined ? {} :
      {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    const r = await fetch(path, init);
    let j = null;
    try { j = await r.json(); } catch (e) { /* non-JSON error body */ }
    if (!r.ok) { const err = new Error((j && j.error) || `HTTP ${r.status}`); err.status = r.status; throw err; }
    return j;
  }

  /** One token span: background alpha ∝ act / max, exact activation in the hover title. */
  function tokenSpan(tok, act, max) {
    const s = h("span", {class: "tok", text: tok});
    const a = act === null ? 0 : Math.max(0, Math.min(1, act / (max || 1)));
    if (a > 0) s.style.backgroundColor = `rgba(255, 120, 0, ${a.toFixed(3)})`;
    s.title = `activation: ${act === null ? "n/a" : act}`;
    s.dataset.act = act === null ? "" : String(act);
    return s;
  }
  function exampleRow(x, max) {
    return h("div", {class: "example"}, x.tokens.map((t, i) => tokenSpan(t, x.acts[i], max)));
  }

  // ---- pages -------------------------------------------------------------------------------
  async function overview() {
    const o = await api("/api/overview");
    const title = h("h1", {text: "Feature store"});
    const models = section("Models", table(["model", "architecture"], o.models.map(m => ({cells: [m.name, m.architecture || ""]}))));
    const metric = (d, k) => (d.eval && typeof d.eval[k] === "number") ? fmt(d.eval[k]) : "–";
    const dead = d => d.summary ? `${fmt(100 * d.summary.dead / Math.max(1, d.summary.features))}%` :
      (typeof d.eval.dead_fraction === "number" ? `${fmt(100 * d.eval.dead_fraction)}%` : "–");
    const dicts = section("Dictionaries", table(["dictionary", "model", "hook", "kind", "features", "L0", "FVU", "CE recovered", "dead"],
      o.dictionaries.map(d => ({cls: "dict-row", cells: [
        d.analysed ? h("a", {href: `#/d/${enc(d.name)}`, class: "dict-link", text: d.name}) : h("span", {text: `${d.name} (not analysed)`}),
        d.model || "", d.hook, d.kind, String(d.dFeatures), metric(d, "l0"), metric(d, "fvu"), metric(d, "ce_recovered"), dead(d)]})),
      {id: "dicts"}));
    const hists = section("Feature density (log10 of firing frequency; dead features excluded)",
      h("div", {class: "hist-grid"}, o.dictionaries.filter(d => d.summary).map(d => h("figure", {},
        Charts.histogram(d.summary.densityHistogram.edges, d.summary.densityHistogram.counts, {xLabel: "log10 density", cls: "hist density-hist"}),
        h("figcaption", {text: `${d.name}: ${d.summary.features} features, ${d.summary.dead} dead`})))));
    const kinds = [...new Set(o.dictionaries.flatMap(d => d.summary ? d.summary.scores.map(s => s.kind) : []))];
    const parts = [title, models, dicts, hists];
    if (kinds.length > 0) {
      parts.push(section("Auto-interpretability (mean explanation score)", table(["dictionary", "kind", ...kinds.map(k => `${k} (n)`)],
        o.dictionaries.filter(d => d.summary).map(d => ({cells: [d.name, d.kind, ...kinds.map(k => {
          const s = d.summary.scores.find(x => x.kind === k);
          return s ? `${fmt(s.mean)} (${s.count})` : "–";
        })]})), {id: "autointerp"})));
    }
    show(...parts);
  }

  async function featureList(dict, params) {
    const q = new URLSearchParams(params);
    const sort = q.get("sort") || "feature", order = q.get("order") || (sort === "feature" ? "asc" : "desc");
    const res = await api(`/api/dictionaries/${enc(dict)}/features?${q.toString()}`);
    const go = changes => {
      const n = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) { if (v === null || v === "") n.delete(k); else n.set(k, v); }
      location.hash = `#/d/${enc(dict)}?${n.toString()}`;
    };
    const sortSel = h("select", {id: "sort"}, ["feature", "density", "mean_act", "max_act", "score"].map(s => h("option", {value: s, text: s})));
    sortSel.value = sort;
    const orderSel = h("select", {id: "order"}, h("option", {value: "desc", text: "descending"}), h("option", {value: "asc", text: "ascending"}));
    orderSel.value = order;
    const num = (id, key, ph) => h("input", {id, type: "number", step: "any", placeholder: ph, value: q.get(key)});
    const minD = num("min-density", "minDensity", "min density"), maxD = num("max-density", "maxDensity", "max density"),
      minA = num("min-maxact", "minMaxAct", "min max act");
    const controls = h("form", {class: "controls", id: "list-controls", onsubmit: e => {
      e.preventDefault();
      go({sort: sortSel.value, order: orderSel.value, minDensity: minD.value, maxDensity: maxD.value, minMaxAct: minA.value, after: null, prev: null});
    }}, h("label", {}, "sort ", sortSel), h("label", {}, " ", orderSel), minD, maxD, minA, h("button", {type: "submit", text: "Apply"}));
    const rows = res.items.map(f => ({cls: "feature-row", cells: [featureLink(dict, f.feature, `#${f.feature}`), fmt(f.density),
      fmt(f.meanAct), fmt(f.maxAct), f.score === null ? "–" : fmt(f.score), f.explanation || ""]}));
    // Keyset pagination: "prev" keeps the stack of cursors that led here so Back stays possible.
    const prevStack = (q.get("prev") || "").split(",").filter(Boolean);
    const nav = h("div", {class: "pager"},
      q.get("after") ? h("button", {id: "prev", text: "← Previous", onclick: () => {
        const stack = prevStack.slice(0, -1);
        go({after: prevStack.length ? prevStack[prevStack.length - 1] : null, prev: stack.join(",")});
      }}) : null,
      res.next ? h("button", {id: "next", text: "Next →", onclick: () => {
        const stack = q.get("after") ? [...prevStack, q.get("after")] : prevStack;
        go({after: res.next, prev: stack.join(",")});
      }}) : null);
    show(h("h1", {text: `${dict}: features`}), h("p", {class: "muted", text: `${res.dFeatures} features`}), controls,
      table(["feature", "density", "mean act", "max act", "score", "explanation"], rows, {id: "features"}), nav);
  }

  async function featurePage(dict, f) {
    const d = await api(`/api/dictionaries/${enc(dict)}/features/${enc(f)}`);
    const s = d.summary;
    const parts = [h("h1", {id: "feature-title", text: `${d.dictionary.name} #${d.feature}`}),
      h("p", {class: "muted", text: `${d.dictionary.kind} on ${d.dictionary.hook} (${d.dictionary.model || "?"})`}),
      h("dl", {class: "stats"}, ["density", fmt(s.density), "fires", String(s.fireCount), "mean act", fmt(s.meanAct), "max act", fmt(s.maxAct),
        ...Object.entries(d.stats).flatMap(([k, v]) => [k, fmt(v)])].map((t, i) => h(i % 2 ? "dd" : "dt", {text: t}))),
      h("p", {}, d.feature > 0 ? featureLink(dict, d.feature - 1, "← previous") : null, " ",
        d.feature + 1 < d.dictionary.dFeatures ? featureLink(dict, d.feature + 1, "next →") : null)];
    parts.push(section("Explanations", d.explanations.length === 0 ? h("p", {class: "muted", text: "No explanations yet."}) :
      h("ul", {id: "explanations"}, d.explanations.map(e => h("li", {class: "explanation"}, h("q", {class: "expl-text", text: e.text}),
        h("span", {class: "muted", text: ` — ${e.method}${e.explainerModel ? ", " + e.explainerModel : ""}`}),
        h("span", {class: "scores"}, e.scores.map(sc => h("span", {class: "score", text: `${sc.kind}${sc.simulator ? " / " + sc.simulator : ""}: ${fmt(sc.value)}`}))))))));
    const hk = Object.keys(d.histograms);
    if (hk.length) parts.push(section("Activation histograms", h("div", {class: "hist-grid"}, hk.map(k => h("figure", {},
      Charts.histogram(d.histograms[k].edges, d.histograms[k].counts, {xLabel: k, cls: "hist act-hist"}), h("figcaption", {text: k}))))));
    const max = s.maxAct > 0 ? s.maxAct : 1;
    parts.push(section("Top activating contexts", h("div", {id: "top-examples"}, d.topExamples.map(x => exampleRow(x, max)))));
    if (d.quantileExamples.length) {
      const groups = new Map();
      d.quantileExamples.forEach(x => { if (!groups.has(x.group)) groups.set(x.group, []); groups.get(x.group).push(x); });
      parts.push(section("Quantile groups", h("div", {id: "quantiles"}, [...groups.entries()].map(([g, xs]) =>
        h("div", {class: "quantile"}, h("h3", {text: `Group ${g}`}), xs.map(x => exampleRow(x, max)))))));
    }
    const tokList = ts => h("ol", {class: "tokens"}, ts.map(t => h("li", {}, h("code", {text: JSON.stringify(t.token)}),
      ` ×${t.count}` + (t.meanAct === null ? "" : `, mean ${fmt(t.meanAct)}`))));
    if (d.tokens.length) parts.push(section("Tokens", tokList(d.tokens.slice(0, 30))));
    const rk = Object.keys(d.rangeTokens);
    if (rk.length) parts.push(section("Token histogram per activation range", h("div", {class: "ranges", id: "range-tokens"},
      rk.map(b => h("div", {class: "range"}, h("h3", {text: `range ${b}`}), tokList(d.rangeTokens[b]))))));
    const logitKinds = Object.keys(d.logits);
    if (logitKinds.length) parts.push(section("Logit effects", h("div", {class: "logits"}, logitKinds.map(k => {
      const t = d.logits[k];
      const side = (title, es) => h("div", {}, h("h4", {text: title}), h("ol", {class: "logit-list"},
        es.map(e => h("li", {}, h("code", {text: JSON.stringify(e.token)}), ` ${fmt(e.value)}`))));
      return h("div", {class: `logit-kind logit-${k}`}, h("h3", {text: k === "direct" ? "direct (decoder → unembedding)" : k === "ablation" ? "ablation (mean logit change)" : k}),
        Charts.signedBars([...t.positive, ...t.negative].map(e => ({label: e.token, value: e.value}))),
        h("div", {class: "two"}, side("promoted", t.positive), side("suppressed", t.negative)));
    }))));
    const linkList = (id, ls) => h("ul", {id}, ls.map(n => h("li", {}, featureLink(n.dictionary, n.feature), ` cos ${fmt(n.cosine)}`)));
    if (d.neighbours.length) parts.push(section("Nearest features", linkList("neighbours", d.neighbours)));
    if (d.parents.length) parts.push(section("Splitting: parents (smaller dictionaries)", linkList("parents", d.parents)));
    if (d.children.length) parts.push(section("Splitting: children (larger dictionaries)", linkList("children", d.children)));
    if (d.probes.length) parts.push(section("Probes that selected this feature", h("ul", {}, d.probes.map(p =>
      h("li", {text: `${p.concept} (${p.method}, k=${p.k}) ` + Object.entries(p.metrics).map(([k, v]) => `${k}=${fmt(v)}`).join(" ")})))));
    show(...parts);
  }

  async function search(q) {
    document.getElementById("search-q").value = q;
    const r = await api(`/api/search?q=${enc(q)}&limit=100`);
    // Snippets mark the match as [word]: split on the brackets and wrap matches in <mark> via DOM.
    const snippet = s => h("span", {class: "snippet"}, s.split(/(\[[^\]]*\])/).map(p =>
      p.startsWith("[") && p.endsWith("]") ? h("mark", {text: p.slice(1, -1)}) : p));
    show(h("h1", {text: `Search: ${q}`}), r.hits.length === 0 ? h("p", {class: "muted", id: "no-hits", text: "No matches."}) :
      h("ul", {id: "search-results"}, r.hits.map(x => h("li", {class: "hit"}, featureLink(x.dictionary, x.feature),
        h("span", {class: "muted", text: ` (${x.source}) `}), snippet(x.snippet)))));
  }

  function noModel(title) {
    return [h("h1", {text: title}), h("div", {class: "notice", id: "no-model",
      text: "No model is loaded in this server, so live text and steering are unavailable. Start `loupe serve` with a model to use them."})];
  }
  function dictSelect(id) {
    return h("select", {id}, status.liveModel.dictionaries.map(x => h("option", {value: x, text: x})));
  }

  function live() {
    if (!status.liveModel) return show(...noModel("Live text"));
    const dict = dictSelect("live-dict"), text = h("textarea", {id: "live-text", rows: 4, maxlength: 2000, placeholder: "Type some text"});
    const out = h("div", {id: "live-out"});
    const run = async e => {
      e.preventDefault();
      out.replaceChildren(h("p", {class: "muted", text: "Running…"}));
      try {
        const r = await api("/api/live/features", {dictionary: dict.value, text: text.value, k: 5});
        const max = Math.max(1e-9, ...r.tokens.map(t => t.features.length ? t.features[0].activation : 0));
        const detail = h("div", {id: "live-detail", class: "muted", text: "Click a token to see its features."});
        const toks = h("div", {class: "example", id: "live-tokens"}, r.tokens.map(t => {
          const sp = tokenSpan(t.token, t.features.length ? t.features[0].activation : 0, max);
          sp.addEventListener("click", () => detail.replaceChildren(h("h3", {}, "Token ", h("code", {text: JSON.stringify(t.token)})),
            t.features.length === 0 ? h("p", {text: "No feature fires here."}) :
              h("ol", {class: "live-features"}, t.features.map(fa => h("li", {}, featureLink(r.dictionary, fa.feature), ` ${fa.activation}`)))));
          return sp;
        }));
        out.replaceChildren(toks, detail);
      } catch (err) { out.replaceChildren(errorBox(err.message)); }
    };
    show(h("h1", {text: `Live text (${status.liveModel.name})`}), h("form", {id: "live-form", onsubmit: run}, h("label", {}, "dictionary ", dict),
      text, h("button", {type: "submit", id: "live-go", text: "Show features"})), out);
  }

  function steer(params) {
    if (!status.liveModel) return show(...noModel("Steering"));
    const dict = dictSelect("steer-dict"), prompt = h("textarea", {id: "steer-prompt", rows: 3, maxlength: 2000, placeholder: "Prompt"});
    const maxNew = h("input", {id: "steer-max", type: "number", min: 1, max: 128, value: 32});
    const rows = h("div", {id: "steer-features"});
    const addRow = (f, s) => rows.append(h("div", {class: "steer-row"},
      h("input", {class: "steer-feature", type: "number", min: 0, placeholder: "feature", value: f}),
      h("input", {class: "steer-strength", type: "number", step: "any", placeholder: "strength", value: s === undefined ? 5 : s})));
    addRow(new URLSearchParams(params).get("f") || "");
    const out = h("div", {id: "steer-out"});
    const run = async e => {
      e.preventDefault();
      const features = [...rows.querySelectorAll(".steer-row")].filter(r => r.querySelector(".steer-feature").value !== "")
        .map(r => ({feature: Number(r.querySelector(".steer-feature").value), strength: Number(r.querySelector(".steer-strength").value)}));
      out.replaceChildren(h("p", {class: "muted", text: "Generating…"}));
      try {
        const r = await api("/api/live/steer", {dictionary: dict.value, prompt: prompt.value, features, maxNewTokens: Number(maxNew.value)});
        out.replaceChildren(h("div", {class: "two"},
          h("div", {}, h("h3", {text: "steered"}), h("pre", {id: "steer-steered", class: "completion"}, h("span", {class: "prompt", text: r.prompt}), r.steered)),
          h("div", {}, h("h3", {text: "unsteered"}), h("pre", {id: "steer-unsteered", class: "completion"}, h("span", {class: "prompt", text: r.prompt}), r.unsteered))));
      } catch (err) { out.replaceChildren(errorBox(err.message)); }
    };
    show(h("h1", {text: `Steering (${status.liveModel.name})`}), h("form", {id: "steer-form", onsubmit: run},
      h("label", {}, "dictionary ", dict), prompt, rows, h("button", {type: "button", text: "+ feature", onclick: () => addRow("")}),
      h("label", {}, " max new tokens ", maxNew), h("button", {type: "submit", id: "steer-go", text: "Generate"})), out);
  }

  // ---- router ------------------------------------------------------------------------------
  async function route() {
    const hash = location.hash.replace(/^#/, "") || "/";
    const [path, query] = hash.split("?");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    try {
      if (!status) status = await api("/api/status");
      if (parts.length === 0) await overview();
      else if (parts[0] === "d" && parts.length === 2) await featureList(parts[1], query || "");
      else if (parts[0] === "d" && parts.length === 4 && parts[2] === "f") await featurePage(parts[1], parts[3]);
      else if (parts[0] === "search") await search(new URLSearchParams(query || "").get("q") || "");
      else if (parts[0] === "live") live();
      else if (parts[0] === "steer") steer(query || "");
      else show(errorBox(`No page at #${hash}`));
    } catch (err) {
      show(h("h1", {text: "Error"}), errorBox(err.message));
    }
  }
  document.getElementById("search-form").addEventListener("submit", e => {
    e.preventDefault();
    const q = document.getElementById("search-q").value.trim();
    if (q) location.hash = `#/search?q=${enc(q)}`;
  });
  window.addEventListener("hashchange", route);
  route();
})();
