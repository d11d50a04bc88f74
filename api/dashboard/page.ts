/**
 * The `/dashboard` HTML page: self-contained (inline CSS and script, no CDN, no fonts to
 * fetch), so it works offline and behind strict egress.
 */
import { dashboardScript } from "./browser-script.js";

/** Some TypeScript transforms wrap functions in a `__name(fn, "name")` helper; the page defines it as a no-op. */
const NAME_HELPER_SHIM = "var __name = function (target) { return target; };";

const STYLE = `
:root { color-scheme: light; --fg: #1d2330; --muted: #667085; --line: #e4e7ec; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 16px; padding: 14px 22px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 14px; margin: 0 0 2px; }
#status { color: var(--muted); font-size: 12px; }
main { padding: 16px 22px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
section.wide { grid-column: 1 / -1; }
.sub { color: var(--muted); font-size: 12px; margin-bottom: 6px; min-height: 16px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
svg { width: 100%; height: auto; display: block; }
.grid { stroke: var(--line); stroke-width: 1; }
.tick { fill: var(--muted); font-size: 10px; }
.axis { fill: var(--muted); font-size: 11px; }
.empty { fill: var(--muted); font-size: 13px; }
.line { fill: none; stroke-width: 2; }
.line.dashed { stroke-dasharray: 5 4; opacity: .55; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-top: 4px; }
.key i, .dot { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.bar { display: inline-block; width: 90px; height: 10px; margin-right: 6px; background: var(--line); border-radius: 2px; overflow: hidden; vertical-align: -1px; }
.bar i { display: block; height: 100%; }
.ok { color: #2e7d32; } .bad { color: #c62828; }
`;

function chart(id: string, title: string, subtitle: string): string {
  return `<section><h2>${title}</h2><div class="sub" id="${id}-sub">${subtitle}</div>
<svg id="chart-${id}" viewBox="0 0 560 230" data-points="0" role="img" aria-label="${title}"></svg>
<div class="legend" id="legend-${id}"></div></section>`;
}

export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>krm — cache freshness</title><style>${STYLE}</style></head>
<body data-updates="0">
<header><h1>krm — cache freshness and stream delay</h1><span id="status">loading…</span></header>
<main>
<section class="wide"><h2>Kinds</h2>
<table><thead><tr><th>kind</th><th>objects</th><th>watch</th><th>last event</th><th>verified</th><th>bookmark</th><th>reconnects</th><th>410 Gone</th></tr></thead>
<tbody id="kinds"></tbody></table></section>
<section class="wide" id="capacity-section" hidden><h2>Capacity per node pool</h2>
<div class="sub">percent of each pool's reservable amount requested or leased, per resource (capacity.krm.dev nodepools)</div>
<table><thead id="capacity-head"></thead><tbody id="capacity"></tbody></table></section>
<section class="wide" id="usage-section" hidden><h2>Usage by namespace</h2>
<div class="sub">reserved requests × running time, <span id="usage-range">last 24 h</span> (usage.krm.dev ledger; share as in a UsageReview)</div>
<table><thead><tr><th>namespace</th><th>share</th><th>cpu core-hours</th><th>memory GiB-hours</th><th>storage GiB-hours</th><th>GPU-hours</th></tr></thead>
<tbody id="usage"></tbody></table></section>
${chart("freshness", "Freshness per kind", "age of the last verified snapshot (solid) and of the last streamed event (dashed)")}
${chart("delay", "Stream delay distribution", '<span id="delay-stats"></span>')}
${chart("rate", "Event rate", "watch events per second, last two minutes")}
${chart("drift", "Drift per verification", "objects the state had wrong when a verified snapshot arrived (0 = the stream missed nothing)")}
</main>
<script>${NAME_HELPER_SHIM}(${dashboardScript.toString()})();</script>
</body></html>`;
}
