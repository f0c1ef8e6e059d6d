// End-to-end test of `cohesion serve` in headless Chromium: a workshop with a facilitator and
// three participants in separate browser contexts, access control seen from a browser, the
// dashboard drawing a chart with data, a language switch, and axe-core WCAG 2.1 AA checks.
// Usage: BASE_URL=http://127.0.0.1:PORT OUT=dir node e2e.mjs
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const BASE = process.env.BASE_URL;
const OUT = process.env.OUT || "e2e-output";
if (!BASE) throw new Error("BASE_URL is not set");
mkdirSync(OUT, { recursive: true });
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const results = { axe: {}, checks: [] };
function check(cond, what) {
  results.checks.push({ what, ok: !!cond });
  if (!cond) throw new Error("check failed: " + what);
  console.log("ok  " + what);
}

async function axe(page, name) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  results.axe[name] = { violations: r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target) })), passes: r.passes.length };
  for (const v of r.violations) console.log(`axe ${name}: ${v.id} (${v.impact}) ${v.help} ×${v.nodes.length}`, JSON.stringify(v.nodes.slice(0, 2).map(n => n.target)));
  return r.violations.length;
}

async function shot(page, name) { await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true }); }

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let axeViolations = 0;
try {
  // ---- facilitator creates a workshop
  const fac = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const fp = await fac.newPage();
  fp.on("pageerror", e => { throw e; });
  await fp.goto(BASE + "/new");
  await fp.waitForSelector("#new-form");
  axeViolations += await axe(fp, "new-workshop");
  await fp.fill("#name", "Burgers Utrecht");
  await fp.fill("#pairs", "12");
  await fp.click("#create");
  await fp.waitForURL(/\/facilitate\?code=/);
  await fp.waitForSelector("#participants");
  const code = (await fp.textContent("#join-code")).trim();
  check(/^[A-Z2-9]{10}$/.test(code), "join code shown: " + code);
  check(await fp.locator("img.qr").evaluate(i => i.complete && i.naturalWidth > 0), "QR code image loads");
  await shot(fp, "01-facilitator-empty");

  // ---- three participants join on their own "phones" and submit
  const nicks = ["Anna", "Bram", "<img src=x onerror=alert(1)>"];
  const participants = [];
  for (const [k, nick] of nicks.entries()) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await ctx.newPage();
    p.on("dialog", () => { throw new Error("a dialog opened: participant text ran as code"); });
    await p.goto(BASE + "/join?code=" + code);
    await p.fill("#nick", nick);
    await p.check("#consent");
    if (k === 0) axeViolations += await axe(p, "join");
    await p.click("#join");
    await p.waitForURL(/\/participate\?code=/);
    await p.waitForSelector("#answers-form");
    // score every force and every assigned cell, different judges differently
    const selects = await p.$$("#answers-form select");
    for (const [i, s] of selects.entries()) {
      const opts = await s.$$eval("option", os => os.map(o => o.value).filter(v => v !== ""));
      await s.selectOption(opts[(i + 2 * k) % opts.length]);
    }
    if (k === 0) { axeViolations += await axe(p, "participate"); await shot(p, "02-participant-phone"); }
    await p.click("#save");
    await p.waitForFunction(() => document.querySelector("#saved").textContent.length > 0);
    check((await p.textContent("#saved")).includes("Saved"), `${k + 1}: answers saved`);
    participants.push({ ctx, page: p, nick, cells: selects.length });
  }

  // ---- the facilitator sees progress, aggregate and consistent scenarios
  await fp.reload();
  await fp.waitForFunction(() => document.querySelectorAll("#participants tbody tr").length === 3, null, { timeout: 10000 });
  check(true, "facilitator sees three participants");
  const ids = await fp.$$eval("#participants tbody tr", rs => rs.map(r => Number(r.dataset.participant)));
  const cellsRows = await fp.$$eval("#cells tbody tr", rs => rs.length);
  check(cellsRows > 0, `aggregate table has ${cellsRows} cells`);
  const scenarios = await fp.$$eval("#cib-mean li", ls => ls.length);
  check(scenarios > 0, `consistent scenarios of the mean matrix listed (${scenarios})`);
  const nickCell = await fp.$$eval("#participants tbody td", tds => tds.map(t => t.textContent));
  check(nickCell.includes(nicks[2]), "markup in a nickname is shown as text");
  check(await fp.$$eval("#participants img", is => is.length) === 0, "no element created from a nickname");
  axeViolations += await axe(fp, "facilitator");
  await shot(fp, "03-facilitator-aggregate");

  // ---- a participant cannot read another's answers
  const a = participants[0].page;
  const own = await a.evaluate(async u => (await fetch(u)).status, `/api/workshops/${code}/participants/${ids[0]}/answers`);
  check(own === 200, "participant reads own answers");
  const other = await a.evaluate(async u => { const r = await fetch(u); return [r.status, (await r.json()).error]; }, `/api/workshops/${code}/participants/${ids[1]}/answers`);
  check(other[0] === 403 && /own answers/.test(other[1]), "participant refused another's answers: " + other[1]);
  const sum = await a.evaluate(async u => (await fetch(u)).status, `/api/workshops/${code}/summary`);
  check(sum === 403, "participant refused the facilitator summary");
  await a.goto(BASE + `/participate?code=${code}&as=${ids[1]}`);
  await a.waitForSelector("main p");
  check((await a.textContent("main")).includes("own answers"), "the page shows the refusal message");

  // ---- one click runs the model on a consistent scenario
  await fp.click("#cib-mean button[data-scenario='0']");
  await fp.waitForSelector("#run-area #chart polyline.series", { timeout: 120000 });
  check(true, "facilitator's scenario run draws a chart");

  // ---- dashboard: run a future and check the chart has data
  const dash = await fac.newPage();
  await dash.goto(BASE + "/dashboard");
  await dash.waitForSelector("#run-form");
  await dash.selectOption("#future", "wild-west");
  await dash.fill("#agents", "1000");
  await dash.fill("#seeds", "2");
  await dash.click("#run");
  await dash.waitForSelector("#chart polyline.series", { timeout: 120000 });
  const pts = await dash.$eval("#chart polyline.series", l => l.getAttribute("points").trim().split(/\s+/).length);
  check(pts === 26, `chart line has ${pts} points (2025–2050)`);
  const ys = await dash.$eval("#chart polyline.series", l => l.getAttribute("points").trim().split(/\s+/).map(p => Number(p.split(",")[1])));
  check(ys.every(Number.isFinite) && new Set(ys).size > 1, "chart values are finite and vary");
  const links = await dash.$$eval("#run-area a.button", as => as.map(a => a.getAttribute("href")));
  const dl = await dash.evaluate(async hrefs => Promise.all(hrefs.map(async h => {
    const r = await fetch(h); const b = new Uint8Array(await r.arrayBuffer());
    return [h, r.status, b.length, String.fromCharCode(...b.slice(0, 4))];
  })), links);
  check(dl.length === 2 && dl.every(d => d[1] === 200 && d[2] > 1000), "CSV and Parquet downloads: " + dl.map(d => d[0] + " " + d[2] + " bytes").join(", "));
  check(dl.some(d => d[0].endsWith("/parquet") && d[3] === "PAR1"), "the Parquet file starts with PAR1");
  await dash.selectOption("#groupset", "gInc");
  check(await dash.$$eval("#chart polyline.series", ls => ls.length) === 5, "income quintiles: five lines with bands");
  check(await dash.$$eval("#chart polygon.band", ls => ls.length) === 5, "five bands over seeds");
  axeViolations += await axe(dash, "dashboard");
  await shot(dash, "04-dashboard");
  await dash.setViewportSize({ width: 390, height: 844 });
  await shot(dash, "05-dashboard-phone");

  // ---- policy × future heatmap
  await dash.click("#heat");
  await dash.waitForSelector("#heatmap-table", { timeout: 180000 });
  const heat = await dash.$$eval("#heatmap-table tbody td", tds => tds.map(t => Number(t.textContent)));
  check(heat.length === 20 && heat.every(Number.isFinite), `heatmap has ${heat.length} finite cells (4 packages × 5 futures)`);

  // ---- language switch
  await dash.click("#lang");
  await dash.waitForFunction(() => document.documentElement.lang === "nl");
  check((await dash.textContent("#run")) === "Start", "Dutch interface after the switch");
  axeViolations += await axe(dash, "dashboard-nl");
  await shot(dash, "06-dashboard-nl");
  await dash.click("#lang");

  for (const p of participants) await p.ctx.close();
  await fac.close();
} finally {
  results.axeViolationsTotal = axeViolations;
  writeFileSync(`${OUT}/results.json`, JSON.stringify(results, null, 1));
  await browser.close();
}
if (axeViolations > 0) { console.error(`axe: ${axeViolations} WCAG 2.1 AA violation kinds (see ${OUT}/results.json)`); process.exit(1); }
console.log(`e2e: all checks passed; axe: no WCAG 2.1 A/AA violations; screenshots in ${OUT}`);
