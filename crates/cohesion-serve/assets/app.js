// cohesion serve: the pages. Plain JavaScript, no build step. Every text a user typed is put
// in the page with textContent (via el()), never as HTML, so it cannot become markup.
"use strict";

const STRINGS = {
  en: {
    app: "cohesion", home: "Home", newWorkshop: "New workshop", join: "Join", dashboard: "Dashboard",
    compare: "Compare workshops", skip: "Skip to content", langSwitch: "Nederlands", langName: "Switch language to Dutch",
    homeTitle: "Social cohesion under digitalisation", homeIntro: "Run futures and policies on the model, or hold a workshop in which participants score the driving forces and their cross-impacts.",
    name: "Workshop name", group: "Group", citizens: "Citizens", experts: "Experts", descriptors: "Forces and outcome descriptors",
    rangeLo: "Lowest judgement", rangeHi: "Highest judgement", pairs: "Descriptor pairs per participant", create: "Create workshop",
    code: "Join code", nickname: "Nickname (no real name needed)", consent: "I agree that my nickname and my answers are stored for this workshop. The facilitator can delete them.",
    joinBtn: "Join workshop", yourAnswers: "Your answers", forcesHead: "Driving forces", importance: "Importance (1–5)",
    uncertainty: "Uncertainty (1–5)", direction: "Expected direction (−2 falls … +2 rises)", impactsHead: "Cross-impacts",
    impactHelp: "If the row holds, does it promote (+) or hinder (−) the column? 0 = no direct influence.",
    impactOf: "Impact of {a} on {b}", save: "Save answers", saved: "Saved.", savedReplay: "Already saved.",
    facilitator: "Facilitator", joinAt: "Participants join at", participants: "Participants", progress: "Progress",
    forcesDone: "forces", impactsDone: "cells", aggregate: "Aggregate of the forces", mean: "mean", sd: "sd", range: "range", n: "n",
    cells: "Cross-impact cells, most disputed first (mean, sd, range)", cibMean: "Consistent scenarios of the mean matrix", cibPer: "Per participant",
    scenarios: "consistent of {n}", runModel: "Run the model on this scenario", noneYet: "Nothing yet.", addOnBehalf: "Add a participant without a phone",
    consentGiven: "The participant agreed (on paper or aloud)", add: "Add", answerFor: "Enter answers", exportCsv: "Export CSV",
    exportCib: "Export CIB file (mean)", close: "Close for answers", reopen: "Reopen", del: "Delete workshop and all answers",
    confirmDel: "Delete this workshop and every answer? This cannot be undone.", deleted: "Workshop deleted.", closed: "This workshop is closed.",
    future: "Future", forces: "Forces (0–1)", package: "Policy package", agents: "Agents", seeds: "Seeds", years: "Years",
    run: "Run", cancel: "Cancel", queued: "Queued ({n} ahead)", running: "Running", done: "Done", cancelledS: "Cancelled", failed: "Failed",
    indicator: "Indicator", groups: "Groups", gAll: "Everyone", gEdu: "Education", gInc: "Income quintile", gAge: "Age", gTop: "Top 10 % and top 1 %",
    chartLabel: "{ind} per year, {groups}: mean over seeds with the range over seeds as a band", downloadCsv: "Download CSV", downloadParquet: "Download Parquet",
    heatmap: "Policy × future heatmap", heatmapBtn: "Compute heatmap (small runs)", heatmapCap: "Cohesion index in {year}, one run of {agents} agents per cell",
    finalValues: "Final values", year: "Year", value: "Value", compareA: "First workshop code", compareB: "Second workshop code", show: "Show",
    custom: "custom (sliders)", facilitatorOnly: "Open this page in the browser that created the workshop.", you: "You are", tis: "TIS",
    matches: "matches", asFacilitator: "Answering for {nick} as facilitator.", back: "Back to the facilitator view",
    public_values: "Public values", digital_autonomy: "Digital autonomy", data_driven_influence: "Data-driven influence",
    private_infrastructure: "Private infrastructure", tech_optimism: "Tech optimism", horizontal_cohesion: "Horizontal cohesion",
    trust_in_institutions: "Trust in institutions", social_inequality: "Social inequality", digital_inequality: "Digital inequality",
    individualisation: "Individualisation",
  },
  nl: {
    app: "cohesion", home: "Start", newWorkshop: "Nieuwe workshop", join: "Meedoen", dashboard: "Dashboard",
    compare: "Workshops vergelijken", skip: "Naar de inhoud", langSwitch: "English", langName: "Taal wisselen naar Engels",
    homeTitle: "Sociale cohesie en digitalisering", homeIntro: "Draai toekomsten en beleid door het model, of houd een workshop waarin deelnemers de stuwende krachten en hun wederzijdse invloed scoren.",
    name: "Naam van de workshop", group: "Groep", citizens: "Burgers", experts: "Experts", descriptors: "Krachten en uitkomsten",
    rangeLo: "Laagste oordeel", rangeHi: "Hoogste oordeel", pairs: "Paren per deelnemer", create: "Workshop aanmaken",
    code: "Deelnamecode", nickname: "Bijnaam (geen echte naam nodig)", consent: "Ik ga ermee akkoord dat mijn bijnaam en antwoorden voor deze workshop worden bewaard. De begeleider kan ze verwijderen.",
    joinBtn: "Doe mee", yourAnswers: "Jouw antwoorden", forcesHead: "Stuwende krachten", importance: "Belang (1–5)",
    uncertainty: "Onzekerheid (1–5)", direction: "Verwachte richting (−2 daalt … +2 stijgt)", impactsHead: "Wederzijdse invloed",
    impactHelp: "Als de rij geldt, bevordert (+) of belemmert (−) die dan de kolom? 0 = geen directe invloed.",
    impactOf: "Invloed van {a} op {b}", save: "Antwoorden opslaan", saved: "Opgeslagen.", savedReplay: "Was al opgeslagen.",
    facilitator: "Begeleider", joinAt: "Deelnemers doen mee via", participants: "Deelnemers", progress: "Voortgang",
    forcesDone: "krachten", impactsDone: "cellen", aggregate: "Samenvatting van de krachten", mean: "gemiddelde", sd: "sd", range: "bereik", n: "n",
    cells: "Cellen, meest omstreden eerst (gemiddelde, sd, bereik)", cibMean: "Consistente scenario's van de gemiddelde matrix", cibPer: "Per deelnemer",
    scenarios: "consistent van {n}", runModel: "Draai het model op dit scenario", noneYet: "Nog niets.", addOnBehalf: "Deelnemer zonder telefoon toevoegen",
    consentGiven: "De deelnemer gaf toestemming (op papier of mondeling)", add: "Toevoegen", answerFor: "Antwoorden invoeren", exportCsv: "CSV exporteren",
    exportCib: "CIB-bestand exporteren (gemiddelde)", close: "Sluiten voor antwoorden", reopen: "Heropenen", del: "Workshop en alle antwoorden verwijderen",
    confirmDel: "Deze workshop en alle antwoorden verwijderen? Dit kan niet ongedaan worden.", deleted: "Workshop verwijderd.", closed: "Deze workshop is gesloten.",
    future: "Toekomst", forces: "Krachten (0–1)", package: "Beleidspakket", agents: "Agenten", seeds: "Seeds", years: "Jaren",
    run: "Start", cancel: "Annuleren", queued: "In de wachtrij ({n} ervoor)", running: "Bezig", done: "Klaar", cancelledS: "Geannuleerd", failed: "Mislukt",
    indicator: "Indicator", groups: "Groepen", gAll: "Iedereen", gEdu: "Opleiding", gInc: "Inkomenskwintiel", gAge: "Leeftijd", gTop: "Top 10 % en top 1 %",
    chartLabel: "{ind} per jaar, {groups}: gemiddelde over seeds, met het bereik over seeds als band", downloadCsv: "CSV downloaden", downloadParquet: "Parquet downloaden",
    heatmap: "Beleid × toekomst", heatmapBtn: "Bereken de heatmap (kleine runs)", heatmapCap: "Cohesie-index in {year}, één run van {agents} agenten per cel",
    finalValues: "Eindwaarden", year: "Jaar", value: "Waarde", compareA: "Code eerste workshop", compareB: "Code tweede workshop", show: "Tonen",
    custom: "eigen (schuifjes)", facilitatorOnly: "Open deze pagina in de browser waarmee de workshop is aangemaakt.", you: "Je bent", tis: "TIS",
    matches: "past bij", asFacilitator: "Antwoorden voor {nick}, ingevoerd door de begeleider.", back: "Terug naar het begeleidersoverzicht",
    public_values: "Publieke waarden", digital_autonomy: "Digitale autonomie", data_driven_influence: "Datagedreven beïnvloeding",
    private_infrastructure: "Private infrastructuur", tech_optimism: "Tech-optimisme", horizontal_cohesion: "Horizontale cohesie",
    trust_in_institutions: "Vertrouwen in instituties", social_inequality: "Sociale ongelijkheid", digital_inequality: "Digitale ongelijkheid",
    individualisation: "Individualisering",
  },
};

let lang = localStorage.getItem("cohesion-lang") === "nl" ? "nl" : "en";
function t(key, vars) {
  let s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
  for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", String(v));
  return s;
}

// Build an element; children that are strings become text nodes (never HTML).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function showError(msg) {
  const a = document.getElementById("alert");
  a.textContent = msg;
  a.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { a.hidden = true; }, 8000);
}
function announce(msg) { document.getElementById("status").textContent = msg; }

class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(method, path, body, headers) {
  const h = Object.assign({ "Accept": "application/json" }, headers || {});
  if (method !== "GET") h["X-Cohesion-CSRF"] = "1";
  if (body !== undefined) h["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || (res.status + " " + res.statusText));
  return data;
}

// A submission keeps its idempotency key across retries, so a flaky network stores it once.
async function submitOnce(path, body) {
  const key = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^A-Za-z0-9-]/g, "");
  let last;
  for (let attempt = 0; attempt < 4; attempt++) {
    try { return await api("PUT", path, body, { "Idempotency-Key": key }); }
    catch (e) {
      last = e;
      if (e instanceof ApiError) throw e; // the server answered: retrying will not help
      await new Promise(r => setTimeout(r, 500 * (attempt + 1)));
    }
  }
  throw last;
}

const params = new URLSearchParams(location.search);
const main = () => document.getElementById("main");
let pollTimer = null;

function setPage(title, ...content) {
  document.title = title + " · cohesion";
  const m = main();
  m.replaceChildren(el("h1", { text: title }), ...content);
}

function descName(n) { return STRINGS[lang][n] || STRINGS.en[n] || n; }
function fmt(x, d) { return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(d === undefined ? 2 : d); }

function renderChrome() {
  document.documentElement.lang = lang;
  document.getElementById("skip").textContent = t("skip");
  const b = document.getElementById("lang");
  b.textContent = t("langSwitch");
  b.setAttribute("title", t("langName"));
  b.setAttribute("lang", lang === "en" ? "nl" : "en");
  const links = [["/", t("home")], ["/dashboard", t("dashboard")], ["/new", t("newWorkshop")], ["/join", t("join")], ["/compare", t("compare")]];
  document.getElementById("nav").replaceChildren(el("ul", {}, links.map(([href, label]) =>
    el("li", {}, el("a", { href, "aria-current": location.pathname === href ? "page" : null, text: label })))));
}

// ---------------------------------------------------------------- pages

function pageHome() {
  setPage(t("homeTitle"), el("p", { text: t("homeIntro") }),
    el("ul", {}, el("li", {}, el("a", { href: "/dashboard", text: t("dashboard") })),
      el("li", {}, el("a", { href: "/new", text: t("newWorkshop") })),
      el("li", {}, el("a", { href: "/join", text: t("join") }))));
}

let metaCache = null;
async function meta() { return metaCache || (metaCache = await api("GET", "/api/meta")); }

async function pageNew() {
  const m = await meta();
  const boxes = m.descriptors.map((d, i) => el("div", { class: "field inline" },
    el("input", { type: "checkbox", id: "d" + i, name: "descriptor", value: d.name, checked: d.force || d.name === "horizontal_cohesion" || d.name === "trust_in_institutions" }),
    el("label", { for: "d" + i, text: descName(d.name) + (d.force ? "" : " ◦") })));
  const form = el("form", { id: "new-form" },
    el("div", { class: "field" }, el("label", { for: "name", text: t("name") }), el("input", { id: "name", name: "name", required: true, maxlength: 80 })),
    el("fieldset", {}, el("legend", { text: t("group") }),
      el("div", { class: "field inline" }, el("input", { type: "radio", id: "g-c", name: "group", value: "citizens", checked: true }), el("label", { for: "g-c", text: t("citizens") })),
      el("div", { class: "field inline" }, el("input", { type: "radio", id: "g-e", name: "group", value: "experts" }), el("label", { for: "g-e", text: t("experts") }))),
    el("fieldset", {}, el("legend", { text: t("descriptors") }), boxes),
    el("div", { class: "row" },
      el("div", { class: "field" }, el("label", { for: "lo", text: t("rangeLo") }), el("input", { id: "lo", type: "number", value: -3, min: -9, max: -1 })),
      el("div", { class: "field" }, el("label", { for: "hi", text: t("rangeHi") }), el("input", { id: "hi", type: "number", value: 3, min: 1, max: 9 })),
      el("div", { class: "field" }, el("label", { for: "pairs", text: t("pairs") }), el("input", { id: "pairs", type: "number", value: 6, min: 1, max: 200 }))),
    el("button", { type: "submit", id: "create", text: t("create") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const body = {
      name: form.querySelector("#name").value,
      group: form.querySelector("input[name=group]:checked").value,
      descriptors: [...form.querySelectorAll("input[name=descriptor]:checked")].map(x => x.value),
      range: [Number(form.querySelector("#lo").value), Number(form.querySelector("#hi").value)],
      pairs_per_participant: Number(form.querySelector("#pairs").value),
    };
    try { const r = await api("POST", "/api/workshops", body); location.href = "/facilitate?code=" + encodeURIComponent(r.code); }
    catch (e) { showError(e.message); }
  });
  setPage(t("newWorkshop"), form);
}

function pageJoin() {
  const form = el("form", { id: "join-form" },
    el("div", { class: "field" }, el("label", { for: "code", text: t("code") }),
      el("input", { id: "code", name: "code", required: true, autocomplete: "off", autocapitalize: "characters", value: params.get("code") || "" })),
    el("div", { class: "field" }, el("label", { for: "nick", text: t("nickname") }), el("input", { id: "nick", name: "nickname", required: true, maxlength: 40 })),
    el("div", { class: "field inline" }, el("input", { type: "checkbox", id: "consent", required: true }), el("label", { for: "consent", text: t("consent") })),
    el("button", { type: "submit", id: "join", text: t("joinBtn") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const code = form.querySelector("#code").value.replace(/[\s-]/g, "").toUpperCase();
    try {
      await api("POST", "/api/workshops/" + encodeURIComponent(code) + "/join", { nickname: form.querySelector("#nick").value, consent: form.querySelector("#consent").checked });
      location.href = "/participate?code=" + encodeURIComponent(code);
    } catch (e) { showError(e.message); }
  });
  setPage(t("join"), form);
}

function selectRange(id, lo, hi, value, label) {
  const s = el("select", { id, "aria-label": label });
  s.append(el("option", { value: "", text: "–" }));
  for (let v = lo; v <= hi; v++) s.append(el("option", { value: v, text: v > 0 && lo < 0 ? "+" + v : String(v), selected: value === v }));
  return s;
}

async function pageParticipate() {
  const code = params.get("code") || "";
  const as = params.get("as");
  let data, w;
  try {
    if (as) {
      w = await api("GET", "/api/workshops/" + encodeURIComponent(code));
      data = await api("GET", `/api/workshops/${encodeURIComponent(code)}/participants/${encodeURIComponent(as)}/answers`);
    } else {
      data = await api("GET", "/api/workshops/" + encodeURIComponent(code) + "/me");
      w = data.workshop;
    }
  } catch (e) {
    setPage(t("yourAnswers"), el("p", { text: e.message }), el("a", { href: "/join?code=" + encodeURIComponent(code), text: t("join") }));
    return;
  }
  const forceOld = Object.fromEntries(data.answers.forces.map(f => [f.descriptor, f]));
  const impactOld = {};
  for (const i of data.answers.impacts) impactOld[[i.src, i.src_variant, i.dst, i.dst_variant].join("|")] = i.value;
  const ds = Object.fromEntries(w.descriptors.map(d => [d.name, d]));
  const forceRows = w.descriptors.filter(d => d.force).map((d, i) => el("tr", {},
    el("th", { scope: "row", text: descName(d.name) }),
    el("td", {}, selectRange("imp" + i, 1, 5, forceOld[d.name] && forceOld[d.name].importance, descName(d.name) + ": " + t("importance"))),
    el("td", {}, selectRange("unc" + i, 1, 5, forceOld[d.name] && forceOld[d.name].uncertainty, descName(d.name) + ": " + t("uncertainty"))),
    el("td", {}, selectRange("dir" + i, -2, 2, forceOld[d.name] && forceOld[d.name].direction, descName(d.name) + ": " + t("direction")))));
  const forceNames = w.descriptors.filter(d => d.force).map(d => d.name);
  const blocks = data.assigned.map(([a, b], k) => {
    const A = ds[a], B = ds[b];
    return el("div", { class: "scroll" }, el("table", { class: "impact" },
      el("caption", { text: t("impactOf", { a: descName(a), b: descName(b) }) }),
      el("thead", {}, el("tr", {}, el("td", {}), B.variants.map(v => el("th", { scope: "col", text: descName(b) + ": " + v })))),
      el("tbody", {}, A.variants.map((va, i) => el("tr", {}, el("th", { scope: "row", text: descName(a) + ": " + va }),
        B.variants.map((vb, j) => el("td", {}, (() => {
          const s = selectRange(`c${k}_${i}_${j}`, w.range[0], w.range[1], impactOld[[a, va, b, vb].join("|")], `${descName(a)}: ${va} → ${descName(b)}: ${vb}`);
          s.dataset.cell = JSON.stringify([a, va, b, vb]);
          return s;
        })())))))));
  });
  const savedMsg = el("p", { role: "status", class: "ok", id: "saved" });
  const form = el("form", { id: "answers-form" },
    w.closed ? el("p", { class: "muted", text: t("closed") }) : null,
    forceRows.length ? el("h2", { text: t("forcesHead") }) : null,
    forceRows.length ? el("div", { class: "scroll" }, el("table", {}, el("thead", {}, el("tr", {}, el("td", {}),
      el("th", { scope: "col", text: t("importance") }), el("th", { scope: "col", text: t("uncertainty") }), el("th", { scope: "col", text: t("direction") }))),
      el("tbody", {}, forceRows))) : null,
    el("h2", { text: t("impactsHead") }), el("p", { text: t("impactHelp") }), blocks,
    el("button", { type: "submit", id: "save", disabled: w.closed, text: t("save") }), savedMsg);
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const forces = [];
    forceNames.forEach((name, i) => {
      const v = ["imp", "unc", "dir"].map(p => form.querySelector("#" + p + i).value);
      if (v.every(x => x !== "")) forces.push({ descriptor: name, importance: +v[0], uncertainty: +v[1], direction: +v[2] });
    });
    const impacts = [...form.querySelectorAll("select[data-cell]")].filter(s => s.value !== "").map(s => {
      const [a, va, b, vb] = JSON.parse(s.dataset.cell);
      return { src: a, src_variant: va, dst: b, dst_variant: vb, value: +s.value };
    });
    const path = as ? `/api/workshops/${encodeURIComponent(code)}/participants/${encodeURIComponent(as)}/answers` : `/api/workshops/${encodeURIComponent(code)}/me/answers`;
    try {
      const r = await submitOnce(path, { forces, impacts });
      savedMsg.textContent = r.replayed ? t("savedReplay") : t("saved");
    } catch (e) { showError(e.message); }
  });
  setPage(t("yourAnswers") + " · " + w.name,
    as ? el("p", {}, t("asFacilitator", { nick: data.nickname }), " ", el("a", { href: "/facilitate?code=" + encodeURIComponent(code), text: t("back") }))
      : el("p", {}, t("you") + " ", el("strong", { text: data.nickname }), "."),
    form);
}

function spreadCells(s) {
  return s ? [el("td", { class: "num", text: fmt(s.mean) }), el("td", { class: "num", text: fmt(s.sd) }), el("td", { class: "num", text: fmt(s.min, 0) + "…" + fmt(s.max, 0) }), el("td", { class: "num", text: s.n })]
    : [el("td", { text: "–" }), el("td", {}), el("td", {}), el("td", { class: "num", text: 0 })];
}

function scenarioList(res, onRun) {
  if (!res.scenarios.length) return el("p", { text: t("noneYet") });
  return el("ol", { class: "scenarios" }, res.scenarios.map((s, i) => el("li", {},
    s.labels.map(([d, v]) => descName(d) + ": " + v).join("; "),
    s.futures.length ? el("span", { class: "muted", text: " (" + t("matches") + " " + s.futures.join(", ") + ")" }) : null,
    " ", el("span", { class: "muted", text: t("tis") + " " + fmt(s.tis, 1) }),
    onRun ? el("div", {}, el("button", { type: "button", class: "secondary", "data-scenario": i, onclick: () => onRun(i), text: t("runModel") })) : null)));
}

function summaryView(s, opts) {
  const code = s.workshop.code;
  const parts = el("div", { class: "scroll" }, el("table", { id: "participants" },
    el("caption", { text: t("participants") }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("nickname") }), el("th", { scope: "col", text: t("progress") }), opts.facilitate ? el("th", { scope: "col", text: "" }) : null)),
    el("tbody", {}, s.participants.map(p => el("tr", { "data-participant": p.id },
      el("td", { text: p.nickname }),
      el("td", { text: `${p.forces_done}/${p.forces_total} ${t("forcesDone")}, ${p.impacts_done}/${p.impacts_total} ${t("impactsDone")}` }),
      opts.facilitate ? el("td", {}, el("a", { href: `/participate?code=${encodeURIComponent(code)}&as=${p.id}`, text: t("answerFor") }), " · ",
        el("a", { href: `/api/workshops/${encodeURIComponent(code)}/export.toml?participant=${p.id}`, text: "CIB" })) : null)))));
  const forces = el("div", { class: "scroll" }, el("table", { id: "forces" }, el("caption", { text: t("aggregate") }),
    el("thead", {}, el("tr", {}, el("td", {}), ["importance", "uncertainty", "direction"].map(k => el("th", { scope: "colgroup", colspan: 4, text: t(k) })))),
    el("tbody", {}, s.forces.map(f => el("tr", {}, el("th", { scope: "row", text: descName(f.descriptor) }),
      spreadCells(f.importance), spreadCells(f.uncertainty), spreadCells(f.direction))))));
  // most disputed cells first; the long table folds away so the scenarios stay in view
  const sorted = s.cells.slice().sort((x, y) => y.sd - x.sd || (y.max - y.min) - (x.max - x.min));
  const cells = el("details", { class: "scroll" }, el("summary", { text: t("cells") + " (" + s.cells.length + ")" }), el("table", { id: "cells" }, el("caption", { text: t("cells") }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "→" }), el("th", { scope: "col", text: t("mean") }), el("th", { scope: "col", text: t("sd") }), el("th", { scope: "col", text: t("range") }), el("th", { scope: "col", text: t("n") }))),
    el("tbody", {}, sorted.map(c => el("tr", {}, el("th", { scope: "row", text: `${descName(c.src)}: ${c.src_variant} → ${descName(c.dst)}: ${c.dst_variant}` }), spreadCells(c))))));
  const cib = el("section", { id: "cib-mean", "aria-labelledby": "cib-h" + code },
    el("h3", { id: "cib-h" + code, text: t("cibMean") + " (" + t("scenarios", { n: s.cib.mean.space }).replace(/^/, s.cib.mean.count + " ") + ")" }),
    scenarioList(s.cib.mean, opts.onRun));
  const per = el("section", {}, el("h3", { text: t("cibPer") }), el("ul", {}, s.cib.per_participant.map(p =>
    el("li", {}, el("strong", { text: p.nickname }), ": " + p.cib.count + " " + t("scenarios", { n: p.cib.space })))));
  return el("div", { class: "summary" }, parts, cib, per, forces, cells);
}

async function pageFacilitate() {
  const code = (params.get("code") || "").toUpperCase();
  let info;
  try { info = await api("GET", "/api/workshops/" + encodeURIComponent(code)); }
  catch (e) { setPage(t("facilitator"), el("p", { text: e.message })); return; }
  if (!info.facilitator) { setPage(t("facilitator") + " · " + info.name, el("p", { text: t("facilitatorOnly") })); return; }
  const joinUrl = location.origin + "/join?code=" + code;
  const live = el("div", { id: "live", "aria-live": "off" });
  const runArea = el("div", { id: "run-area" });
  const nick = el("input", { id: "proxy-nick", maxlength: 40, required: true });
  const cons = el("input", { id: "proxy-consent", type: "checkbox", required: true });
  const addForm = el("form", { id: "proxy-form" }, el("h2", { text: t("addOnBehalf") }),
    el("div", { class: "field" }, el("label", { for: "proxy-nick", text: t("nickname") }), nick),
    el("div", { class: "field inline" }, cons, el("label", { for: "proxy-consent", text: t("consentGiven") })),
    el("button", { type: "submit", text: t("add") }));
  addForm.addEventListener("submit", async ev => {
    ev.preventDefault();
    try {
      const r = await api("POST", `/api/workshops/${code}/participants`, { nickname: nick.value, consent: cons.checked });
      location.href = `/participate?code=${code}&as=${r.participant}`;
    } catch (e) { showError(e.message); }
  });
  const closeBtn = el("button", { type: "button", class: "secondary", id: "close", text: info.closed ? t("reopen") : t("close") });
  closeBtn.addEventListener("click", async () => {
    try { const r = await api("POST", `/api/workshops/${code}/close`, { closed: closeBtn.textContent === t("close") }); closeBtn.textContent = r.closed ? t("reopen") : t("close"); }
    catch (e) { showError(e.message); }
  });
  const delBtn = el("button", { type: "button", class: "danger", id: "delete", text: t("del") });
  delBtn.addEventListener("click", async () => {
    if (!confirm(t("confirmDel"))) return;
    try { await api("DELETE", `/api/workshops/${code}`); clearInterval(pollTimer); setPage(t("deleted")); }
    catch (e) { showError(e.message); }
  });
  const onRun = async i => {
    try {
      const r = await api("POST", `/api/workshops/${code}/run`, { scenario: i, package: "none", agents: 2000, seeds: 3 });
      watchRun(r.id, runArea);
    } catch (e) { showError(e.message); }
  };
  setPage(t("facilitator") + " · " + info.name,
    el("div", { class: "grid2" },
      el("div", {}, el("p", { text: t("joinAt") }), el("p", {}, el("a", { href: joinUrl, text: joinUrl })),
        el("p", { class: "code", id: "join-code", "aria-label": t("code") + " " + code.split("").join(" "), text: code })),
      el("img", { class: "qr", src: `/api/workshops/${code}/qr.svg`, alt: t("joinAt") + " " + joinUrl })),
    live, runArea, addForm,
    el("h2", { text: "Export" }),
    el("p", { class: "row" }, el("a", { class: "button secondary", href: `/api/workshops/${code}/export.csv`, text: t("exportCsv") }),
      el("a", { class: "button secondary", href: `/api/workshops/${code}/export.toml`, text: t("exportCib") }), closeBtn, delBtn));
  const refresh = async () => {
    try { const s = await api("GET", `/api/workshops/${code}/summary`); live.replaceChildren(summaryView(s, { facilitate: true, onRun })); }
    catch (e) { if (e.status === 404) clearInterval(pollTimer); else showError(e.message); }
  };
  await refresh();
  pollTimer = setInterval(refresh, 3000);
}

// ---------------------------------------------------------------- dashboard

const PALETTE = ["#0b4f8a", "#c75b00", "#1b7a3a", "#8a1c7c", "#a4161a", "#5a4a00"];
const GROUP_SETS = { gAll: ["all"], gEdu: ["edu_low", "edu_middle", "edu_high"], gInc: ["income_q1", "income_q2", "income_q3", "income_q4", "income_q5"],
  gAge: ["age_18_34", "age_35_54", "age_55_74", "age_75_plus"], gTop: ["all", "top10", "top1"] };

function lineChart(result, ind, groupKey) {
  const years = result.years, series = result.series[ind] || {};
  const groups = GROUP_SETS[groupKey].filter(g => series[g]);
  const W = 720, H = 360, L = 60, R = 20, T = 20, B = 40;
  let lo = Infinity, hi = -Infinity;
  for (const g of groups) for (const k of ["lo", "hi", "mean"]) for (const v of series[g][k]) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (!(hi > lo)) { hi = lo + 1; lo = lo - 1; }
  const pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
  const x = i => L + (W - L - R) * i / Math.max(1, years.length - 1);
  const y = v => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const label = t("chartLabel", { ind, groups: t(groupKey) });
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": label, id: "chart" }, svg("title", {}, label));
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    g.append(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#d0d0d0" }), svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, fmt(v, Math.abs(hi - lo) < 2 ? 2 : 0)));
  }
  years.forEach((yr, i) => { if (i % 5 === 0 || i === years.length - 1) g.append(svg("text", { x: x(i), y: H - B + 18, "text-anchor": "middle" }, yr)); });
  g.append(svg("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#1a1a1a" }), svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#1a1a1a" }));
  groups.forEach((gr, k) => {
    const s = series[gr], c = PALETTE[k % PALETTE.length];
    const band = s.hi.map((v, i) => `${x(i)},${y(v)}`).concat(s.lo.map((v, i) => `${x(i)},${y(v)}`).reverse()).join(" ");
    g.append(svg("polygon", { points: band, fill: c, "fill-opacity": 0.15, stroke: "none", class: "band" }));
    g.append(svg("polyline", { points: s.mean.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: c, "stroke-width": 2.5, class: "series", "data-group": gr, "data-points": s.mean.length }));
  });
  const legend = el("ul", { class: "legend" }, groups.map((gr, k) => el("li", {}, el("span", { class: "swatch", "aria-hidden": "true", "data-color": PALETTE[k % PALETTE.length] }), gr)));
  legend.querySelectorAll(".swatch").forEach(s => { s.style.backgroundColor = s.dataset.color; });
  const table = el("table", { class: "final" }, el("caption", { text: t("finalValues") + " (" + years[years.length - 1] + ")" }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("groups") }), el("th", { scope: "col", text: t("value") }), el("th", { scope: "col", text: t("range") }))),
    el("tbody", {}, groups.map(gr => { const s = series[gr], n = s.mean.length - 1; return el("tr", {}, el("th", { scope: "row", text: gr }), el("td", { class: "num", text: fmt(s.mean[n], 3) }), el("td", { class: "num", text: fmt(s.lo[n], 3) + "…" + fmt(s.hi[n], 3) })); })));
  return el("figure", {}, g, legend, table);
}

function resultView(id, result) {
  const order = ((metaCache && metaCache.indicators) || Object.keys(result.series)).filter(i => result.series[i]);
  const indSel = el("select", { id: "indicator" }, order.map(i => el("option", { value: i, text: i + (result.units && result.units[i] ? " (" + result.units[i] + ")" : "") })));
  const grpSel = el("select", { id: "groupset" }, Object.keys(GROUP_SETS).map(k => el("option", { value: k, text: t(k) })));
  const box = el("div", {});
  const draw = () => box.replaceChildren(lineChart(result, indSel.value, grpSel.value));
  indSel.addEventListener("change", draw); grpSel.addEventListener("change", draw);
  draw();
  return el("div", { class: "result" }, el("div", { class: "row" },
    el("div", { class: "field" }, el("label", { for: "indicator", text: t("indicator") }), indSel),
    el("div", { class: "field" }, el("label", { for: "groupset", text: t("groups") }), grpSel),
    el("a", { class: "button secondary", href: `/api/runs/${id}/csv`, text: t("downloadCsv") }),
    el("a", { class: "button secondary", href: `/api/runs/${id}/parquet`, text: t("downloadParquet") })), box);
}

function watchRun(id, area, onDone) {
  const prog = el("progress", { max: 1, value: 0, id: "run-progress", "aria-label": t("progress") });
  const state = el("p", { role: "status", id: "run-state" });
  const cancel = el("button", { type: "button", class: "secondary", id: "cancel", text: t("cancel") });
  cancel.addEventListener("click", () => api("DELETE", `/api/runs/${id}`).catch(e => showError(e.message)));
  area.replaceChildren(el("div", { class: "card" }, state, prog, cancel));
  const tick = async () => {
    let s;
    try { s = await api("GET", `/api/runs/${id}`); } catch (e) { showError(e.message); return; }
    prog.max = Math.max(1, s.progress.total); prog.value = s.progress.done;
    state.textContent = s.label + ": " + ({ queued: t("queued", { n: s.queued_ahead }), running: t("running"), done: t("done"), cancelled: t("cancelledS"), failed: t("failed") + ": " + (s.error || "") }[s.state] || s.state);
    if (s.state === "done") { cancel.remove(); if (onDone) onDone(s.result); else area.append(resultView(id, s.result)); announce(t("done")); return; }
    if (s.state === "cancelled" || s.state === "failed") { cancel.remove(); return; }
    setTimeout(tick, 400);
  };
  tick();
}

function heatmapView(r) {
  let lo = Infinity, hi = -Infinity;
  for (const row of r.values) for (const v of row) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const shade = v => { const f = hi > lo ? (v - lo) / (hi - lo) : 0.5; const l = 92 - 40 * f; return `hsl(210, 60%, ${l}%)`; };
  const table = el("table", { class: "heat", id: "heatmap-table" }, el("caption", { text: t("heatmapCap", { year: r.year, agents: r.agents }) }),
    el("thead", {}, el("tr", {}, el("td", {}), r.futures.map(f => el("th", { scope: "col", text: f })))),
    el("tbody", {}, r.packages.map((p, i) => el("tr", {}, el("th", { scope: "row", text: p }),
      r.values[i].map(v => { const c = el("td", { class: "num", text: fmt(v, 1) }); if (v !== null) c.style.backgroundColor = shade(v); return c; })))));
  return el("div", { class: "scroll" }, table);
}

async function pageDashboard() {
  const m = await meta();
  const futureSel = el("select", { id: "future" }, m.futures.map(f => el("option", { value: f.name, text: f.label })), el("option", { value: "", text: t("custom") }));
  const sliders = m.forces.map(name => {
    const out = el("output", { id: "out-" + name, for: "f-" + name });
    const input = el("input", { type: "range", id: "f-" + name, min: 0, max: 1, step: 0.05, value: 0.5 });
    input.addEventListener("input", () => { out.textContent = Number(input.value).toFixed(2); futureSel.value = ""; });
    return { name, input, out, box: el("div", { class: "field" }, el("label", { for: "f-" + name, text: descName(name) }), input, out) };
  });
  const setFromFuture = () => {
    const f = m.futures.find(x => x.name === futureSel.value);
    if (!f) return;
    for (const s of sliders) { s.input.value = f.forces[s.name]; s.out.textContent = Number(f.forces[s.name]).toFixed(2); }
  };
  futureSel.addEventListener("change", setFromFuture);
  const pkgSel = el("select", { id: "package" }, m.packages.map(p => el("option", { value: p.name, text: p.name + " — " + p.description })));
  const num = (id, label, value, min, max) => el("div", { class: "field" }, el("label", { for: id, text: label }), el("input", { id, type: "number", value, min, max }));
  const area = el("div", { id: "run-area" });
  const form = el("form", { id: "run-form" },
    el("div", { class: "row" }, el("div", { class: "field" }, el("label", { for: "future", text: t("future") }), futureSel),
      el("div", { class: "field" }, el("label", { for: "package", text: t("package") }), pkgSel)),
    el("fieldset", {}, el("legend", { text: t("forces") }), el("div", { class: "grid2" }, sliders.map(s => s.box))),
    el("div", { class: "row" }, num("agents", t("agents"), 2000, m.limits.agents[0], m.limits.agents[1]), num("seeds", t("seeds"), 3, 1, m.limits.seeds[1]), num("years", t("years"), 25, 1, 50)),
    el("button", { type: "submit", id: "run", text: t("run") }));
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const body = { package: pkgSel.value, agents: +form.querySelector("#agents").value, seeds: +form.querySelector("#seeds").value, years: +form.querySelector("#years").value };
    if (futureSel.value) body.future = futureSel.value;
    else body.forces = Object.fromEntries(sliders.map(s => [s.name, +s.input.value]));
    try { const r = await api("POST", "/api/runs", body); watchRun(r.id, area); }
    catch (e) { showError(e.message); }
  });
  const heatArea = el("div", { id: "heat-area" });
  const heatBtn = el("button", { type: "button", class: "secondary", id: "heat", text: t("heatmapBtn") });
  heatBtn.addEventListener("click", async () => {
    try { const r = await api("POST", "/api/heatmap", { agents: 500, years: 25 }); watchRun(r.id, heatArea, res => heatArea.append(heatmapView(res))); }
    catch (e) { showError(e.message); }
  });
  setPage(t("dashboard"), form, area, el("h2", { text: t("heatmap") }), heatBtn, heatArea);
  setFromFuture();
}

async function pageCompare() {
  const a = el("input", { id: "ca", value: params.get("a") || "" }), b = el("input", { id: "cb", value: params.get("b") || "" });
  const out = el("div", { class: "grid2", id: "compare-out" });
  const form = el("form", { class: "row" },
    el("div", { class: "field" }, el("label", { for: "ca", text: t("compareA") }), a),
    el("div", { class: "field" }, el("label", { for: "cb", text: t("compareB") }), b),
    el("button", { type: "submit", text: t("show") }));
  const load = async () => {
    try {
      const r = await api("GET", `/api/compare?a=${encodeURIComponent(a.value)}&b=${encodeURIComponent(b.value)}`);
      out.replaceChildren(...[r.a, r.b].map(s => el("section", {}, el("h2", { text: s.workshop.name + " (" + t(s.workshop.group) + ")" }), summaryView(s, {}))));
    } catch (e) { showError(e.message); }
  };
  form.addEventListener("submit", ev => { ev.preventDefault(); load(); });
  setPage(t("compare"), form, out);
  if (a.value && b.value) load();
}

const PAGES = { "/": pageHome, "/new": pageNew, "/join": pageJoin, "/participate": pageParticipate, "/facilitate": pageFacilitate, "/dashboard": pageDashboard, "/compare": pageCompare };

async function render() {
  clearInterval(pollTimer);
  renderChrome();
  try { await (PAGES[location.pathname] || pageHome)(); }
  catch (e) { showError(e.message); }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "en" ? "nl" : "en";
    localStorage.setItem("cohesion-lang", lang);
    render();
  });
  render();
});
