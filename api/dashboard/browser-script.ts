/**
 * The dashboard page's script. It runs in the browser, not in Node: the page inlines
 * `dashboardScript.toString()`, so this function must be self-contained (no imports, no
 * references outside its body). It is TypeScript so the compiler and linter check it.
 *
 * Every second it fetches `<page path>/data` and redraws four hand-made SVG charts. Each
 * chart's `<svg>` carries `data-points` (how many data points it drew) so tests and
 * curious operators can check it rendered data.
 */
export function dashboardScript(): void {
  interface Sample {
    t: number;
    delayMs: number;
  }
  interface Verification {
    t: number;
    missing: number;
    extra: number;
    stale: number;
    durationMs: number;
    objects: number;
  }
  interface KindData {
    id: string;
    objects: number | null;
    verifiedAgeMs: number | null;
    lastEventAgeMs: number | null;
    watchConnected: boolean | null;
    reconnects: number | null;
    gones: number | null;
    bookmarkAgeMs: number | null;
    delays: { ADDED: Sample[]; DELETED: Sample[] };
    rate: [number, number][];
    verifications: Verification[];
  }
  interface PoolUsage {
    name: string;
    status: string;
    reason: string;
    percentUsed: Record<string, number>;
  }
  interface NamespaceUsage {
    group: string;
    cpuCoreHours: number;
    memoryGiBHours: number;
    storageGiBHours: number;
    gpuHours: number;
    ratio: number;
  }
  interface Data {
    generatedAt: number;
    delayResolutionMs: number;
    kinds: KindData[];
    capacity: PoolUsage[] | null;
    usage: { from: string; to: string; rows: NamespaceUsage[] } | null;
  }
  interface Series {
    name: string;
    color: string;
    dashed?: boolean;
    points: [number, number][];
  }

  const POLL_MS = 1000;
  const HISTORY = 300;
  const WIDTH = 560;
  const HEIGHT = 230;
  const PAD = { left: 52, right: 12, top: 12, bottom: 28 };
  const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f"];
  const TYPE_COLORS = { ADDED: "#4e79a7", DELETED: "#e15759" };
  // Distinct from PALETTE: drift bars stand above per-kind markers of the palette's colours.
  const DRIFT_COLORS = { missing: "#f5b700", extra: "#333333", stale: "#17becf" };
  const STATUS_COLORS: Record<string, string> = {
    Ok: "#2e7d32",
    Warning: "#b26a00",
    Critical: "#c62828",
    Overcommitted: "#6a1b9a",
  };
  const BUCKET_MS = 250;
  const BUCKETS = 16;

  const dataUrl = `${location.pathname.replace(/\/$/, "")}/data`;
  const history = new Map<string, { t: number; verifiedAge: number | null; eventAge: number | null }[]>();
  let updates = 0;

  const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const colorOf = (index: number): string => PALETTE[index % PALETTE.length] ?? "#888";
  const element = (id: string): HTMLElement => {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`missing #${id}`);
    return found;
  };
  const formatAge = (ms: number | null): string =>
    ms === null
      ? "–"
      : ms < 1000
        ? `${Math.round(ms)} ms`
        : ms < 120_000
          ? `${(ms / 1000).toFixed(1)} s`
          : `${Math.round(ms / 60_000)} min`;
  const niceMax = (value: number): number => {
    if (value <= 0) return 1;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
    return 10 * magnitude;
  };
  const percentile = (sorted: number[], p: number): number | null =>
    sorted.length === 0
      ? null
      : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null);

  function frame(yMax: number, yLabel: string, xLabels: [number, string][]): string {
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    let svg = "";
    for (let i = 0; i <= 4; i++) {
      const y = PAD.top + plotH - (i / 4) * plotH;
      const value = (yMax * i) / 4;
      svg += `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" class="grid"/>`;
      svg += `<text x="${PAD.left - 6}" y="${y + 4}" class="tick" text-anchor="end">${Number(value.toPrecision(3))}</text>`;
    }
    xLabels.forEach(([x, label], i) => {
      // Outer labels are anchored inwards so they are not clipped at the chart's edges.
      const anchor =
        xLabels.length > 1 && i === 0
          ? "start"
          : xLabels.length > 1 && i === xLabels.length - 1
            ? "end"
            : "middle";
      svg += `<text x="${x}" y="${HEIGHT - 8}" class="tick" text-anchor="${anchor}">${escapeHtml(label)}</text>`;
    });
    svg += `<text x="12" y="${PAD.top + plotH / 2}" class="axis" transform="rotate(-90 12 ${PAD.top + plotH / 2})" text-anchor="middle">${escapeHtml(yLabel)}</text>`;
    return svg;
  }

  function lineChart(id: string, series: Series[], yLabel: string, emptyText: string): void {
    const svgEl = element(id);
    const all = series.flatMap((s) => s.points);
    svgEl.setAttribute("data-points", String(all.length));
    if (all.length === 0) {
      svgEl.innerHTML = `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" class="empty" text-anchor="middle">${escapeHtml(emptyText)}</text>`;
      return;
    }
    const xs = all.map((p) => p[0]);
    const xMin = Math.min(...xs);
    const xMax = Math.max(xMin + 1, ...xs);
    const yMax = niceMax(Math.max(...all.map((p) => p[1])));
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const sx = (x: number): number => PAD.left + ((x - xMin) / (xMax - xMin)) * plotW;
    const sy = (y: number): number => PAD.top + plotH - (Math.max(0, y) / yMax) * plotH;
    const xLabels: [number, string][] = [0, 0.5, 1].map((f) => {
      const t = xMin + f * (xMax - xMin);
      return [sx(t), new Date(t).toLocaleTimeString([], { hour12: false })];
    });
    let svg = frame(yMax, yLabel, xLabels);
    for (const s of series) {
      if (s.points.length === 0) continue;
      const path = s.points
        .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
        .join("");
      svg += `<path d="${path}" stroke="${s.color}" class="line${s.dashed === true ? " dashed" : ""}"/>`;
      const last = s.points[s.points.length - 1];
      if (last !== undefined)
        svg += `<circle cx="${sx(last[0])}" cy="${sy(last[1])}" r="3" fill="${s.color}"/>`;
    }
    svgEl.innerHTML = svg;
  }

  function legend(id: string, items: { name: string; color: string; dashed?: boolean }[]): void {
    element(id).innerHTML = items
      .map(
        (item) =>
          `<span class="key"><i style="background:${item.color}${item.dashed === true ? ";opacity:.55" : ""}"></i>${escapeHtml(item.name)}</span>`,
      )
      .join("");
  }

  function drawFreshness(data: Data): void {
    const series: Series[] = [];
    data.kinds.forEach((kind, index) => {
      const points = history.get(kind.id) ?? [];
      series.push({
        name: `${kind.id} verified`,
        color: colorOf(index),
        points: points.filter((p) => p.verifiedAge !== null).map((p) => [p.t, (p.verifiedAge ?? 0) / 1000]),
      });
      series.push({
        name: `${kind.id} last event`,
        color: colorOf(index),
        dashed: true,
        points: points.filter((p) => p.eventAge !== null).map((p) => [p.t, (p.eventAge ?? 0) / 1000]),
      });
    });
    lineChart("chart-freshness", series, "age (s)", "no kind verified yet");
    legend("legend-freshness", series);
  }

  function drawRate(data: Data): void {
    const series: Series[] = data.kinds.map((kind, index) => ({
      name: kind.id,
      color: colorOf(index),
      points: kind.rate.map(([t, count]) => [t, count] as [number, number]),
    }));
    lineChart("chart-rate", series, "events / s", "no events");
    legend("legend-rate", series);
  }

  function drawDelays(data: Data): void {
    const svgEl = element("chart-delay");
    const byType = {
      ADDED: data.kinds.flatMap((k) => k.delays.ADDED.map((s) => s.delayMs)),
      DELETED: data.kinds.flatMap((k) => k.delays.DELETED.map((s) => s.delayMs)),
    };
    const total = byType.ADDED.length + byType.DELETED.length;
    svgEl.setAttribute("data-points", String(total));
    const stats = (["ADDED", "DELETED"] as const).map((type) => {
      const sorted = [...byType[type]].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p95 = percentile(sorted, 95);
      return `${type}: n=${sorted.length}${p50 === null ? "" : `, p50 ${formatAge(p50)}, p95 ${formatAge(p95)}`}`;
    });
    element("delay-stats").textContent =
      `${stats.join(" · ")} — timestamps have ${data.delayResolutionMs} ms resolution: values are upper bounds`;
    if (total === 0) {
      svgEl.innerHTML = `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" class="empty" text-anchor="middle">no ADDED/DELETED events yet</text>`;
      return;
    }
    const counts = (values: number[]): number[] => {
      const buckets: number[] = new Array<number>(BUCKETS).fill(0);
      for (const v of values) {
        const index = Math.min(BUCKETS - 1, Math.max(0, Math.floor(v / BUCKET_MS)));
        buckets[index] = (buckets[index] ?? 0) + 1;
      }
      return buckets;
    };
    const added = counts(byType.ADDED);
    const deleted = counts(byType.DELETED);
    const yMax = niceMax(Math.max(...added, ...deleted));
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const slot = plotW / BUCKETS;
    const xLabels: [number, string][] = [];
    for (let i = 0; i <= BUCKETS; i += 4) {
      xLabels.push([
        PAD.left + i * slot,
        i === BUCKETS ? `${(i * BUCKET_MS) / 1000}s+` : `${(i * BUCKET_MS) / 1000}s`,
      ]);
    }
    let svg = frame(yMax, "events", xLabels);
    for (let i = 0; i < BUCKETS; i++) {
      for (const [j, bucket, color] of [
        [0, added, TYPE_COLORS.ADDED],
        [1, deleted, TYPE_COLORS.DELETED],
      ] as const) {
        const value = bucket[i] ?? 0;
        if (value === 0) continue;
        const h = (value / yMax) * plotH;
        const x = PAD.left + i * slot + 2 + j * ((slot - 4) / 2);
        svg += `<rect x="${x.toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${((slot - 4) / 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${j === 0 ? "ADDED" : "DELETED"} ${i * BUCKET_MS}–${(i + 1) * BUCKET_MS} ms: ${value}</title></rect>`;
      }
    }
    svgEl.innerHTML = svg;
    legend("legend-delay", [
      { name: "ADDED (observed − creationTimestamp)", color: TYPE_COLORS.ADDED },
      { name: "DELETED (observed − deletionTimestamp)", color: TYPE_COLORS.DELETED },
    ]);
  }

  function drawDrift(data: Data): void {
    const svgEl = element("chart-drift");
    const rows = data.kinds
      .flatMap((kind, index) => kind.verifications.map((v) => ({ ...v, kind: kind.id, index })))
      .sort((a, b) => a.t - b.t)
      .slice(-40);
    svgEl.setAttribute("data-points", String(rows.length));
    if (rows.length === 0) {
      svgEl.innerHTML = `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" class="empty" text-anchor="middle">no verification yet</text>`;
      return;
    }
    const yMax = niceMax(Math.max(1, ...rows.map((r) => r.missing + r.extra + r.stale)));
    const plotW = WIDTH - PAD.left - PAD.right;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const slot = plotW / Math.max(rows.length, 10);
    const first = rows[0];
    const last = rows[rows.length - 1];
    const xLabels: [number, string][] = [];
    if (first !== undefined)
      xLabels.push([PAD.left + slot / 2, new Date(first.t).toLocaleTimeString([], { hour12: false })]);
    if (last !== undefined && rows.length > 1) {
      xLabels.push([
        PAD.left + (rows.length - 0.5) * slot,
        new Date(last.t).toLocaleTimeString([], { hour12: false }),
      ]);
    }
    let svg = frame(yMax, "objects wrong", xLabels);
    rows.forEach((row, i) => {
      const x = PAD.left + i * slot + 1.5;
      const w = Math.max(2, slot - 3);
      let y = PAD.top + plotH;
      for (const part of ["missing", "extra", "stale"] as const) {
        const h = (row[part] / yMax) * plotH;
        if (h <= 0) continue;
        y -= h;
        svg += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${DRIFT_COLORS[part]}"/>`;
      }
      // Every verification gets a marker in its kind's colour, so drift 0 is visible as "checked, clean".
      svg += `<rect x="${x.toFixed(1)}" y="${(PAD.top + plotH + 2).toFixed(1)}" width="${w.toFixed(1)}" height="4" fill="${colorOf(row.index)}"><title>${escapeHtml(row.kind)}: missing ${row.missing}, extra ${row.extra}, stale ${row.stale}; LIST ${row.durationMs} ms, ${row.objects} objects</title></rect>`;
    });
    svgEl.innerHTML = svg;
    legend("legend-drift", [
      { name: "missing", color: DRIFT_COLORS.missing },
      { name: "extra", color: DRIFT_COLORS.extra },
      { name: "stale", color: DRIFT_COLORS.stale },
      ...data.kinds.map((kind, index) => ({ name: `${kind.id} (marker)`, color: colorOf(index) })),
    ]);
  }

  function drawTable(data: Data): void {
    const rows = data.kinds.map((kind, index) => {
      const watch =
        kind.watchConnected === null
          ? "–"
          : kind.watchConnected
            ? `<b class="ok">connected</b>`
            : `<b class="bad">down</b>`;
      return `<tr><td><i class="dot" style="background:${colorOf(index)}"></i>${escapeHtml(kind.id)}</td><td>${kind.objects ?? "–"}</td><td>${watch}</td><td>${formatAge(kind.lastEventAgeMs)}</td><td>${formatAge(kind.verifiedAgeMs)}</td><td>${formatAge(kind.bookmarkAgeMs)}</td><td>${kind.reconnects ?? "–"}</td><td>${kind.gones ?? "–"}</td></tr>`;
    });
    element("kinds").innerHTML = rows.join("");
  }

  function drawCapacity(data: Data): void {
    const section = element("capacity-section");
    section.hidden = data.capacity === null;
    if (data.capacity === null) return;
    const order = (r: string): string => (r === "cpu" ? "0" : r === "memory" ? "1" : `2${r}`);
    const resources = [...new Set(data.capacity.flatMap((p) => Object.keys(p.percentUsed)))].sort((a, b) =>
      order(a).localeCompare(order(b)),
    );
    element("capacity-head").innerHTML =
      `<tr><th>pool</th><th>status</th>${resources.map((r) => `<th>${escapeHtml(r)}</th>`).join("")}</tr>`;
    const cell = (percent: number | undefined): string => {
      if (percent === undefined) return "<td>–</td>";
      const width = Math.min(100, Math.max(0, percent));
      const color = percent > 100 ? STATUS_COLORS["Overcommitted"] : "#4e79a7";
      return `<td><span class="bar"><i style="width:${width}%;background:${color}"></i></span>${Number(percent.toFixed(1))} %</td>`;
    };
    const rows = data.capacity.map((pool) => {
      const color = STATUS_COLORS[pool.status] ?? "#888";
      return `<tr><td>${escapeHtml(pool.name)}</td><td><b style="color:${color}" title="${escapeHtml(pool.reason)}">${escapeHtml(pool.status)}</b></td>${resources.map((r) => cell(pool.percentUsed[r])).join("")}</tr>`;
    });
    element("capacity").innerHTML =
      rows.length > 0
        ? rows.join("")
        : `<tr><td colspan="${resources.length + 2}">no node pools yet</td></tr>`;
  }

  function drawUsage(data: Data): void {
    const section = element("usage-section");
    section.hidden = data.usage === null;
    if (data.usage === null) return;
    const time = (iso: string): string =>
      new Date(iso).toLocaleString([], {
        hour12: false,
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
      });
    element("usage-range").textContent = `${time(data.usage.from)} – ${time(data.usage.to)}`;
    const hours = (value: number): string =>
      `<td>${value === 0 ? "0" : value.toFixed(value < 10 ? 2 : 1)}</td>`;
    const rows = data.usage.rows.map((row, index) => {
      const percent = row.ratio * 100;
      return `<tr><td><i class="dot" style="background:${colorOf(index)}"></i>${escapeHtml(row.group)}</td><td><span class="bar"><i style="width:${Math.min(100, percent)}%;background:${colorOf(index)}"></i></span>${percent.toFixed(1)} %</td>${hours(row.cpuCoreHours)}${hours(row.memoryGiBHours)}${hours(row.storageGiBHours)}${hours(row.gpuHours)}</tr>`;
    });
    element("usage").innerHTML =
      rows.length > 0
        ? rows.join("")
        : `<tr><td colspan="6">no reserved usage recorded in this range</td></tr>`;
  }

  function render(data: Data): void {
    for (const kind of data.kinds) {
      const points = history.get(kind.id) ?? [];
      points.push({ t: data.generatedAt, verifiedAge: kind.verifiedAgeMs, eventAge: kind.lastEventAgeMs });
      if (points.length > HISTORY) points.splice(0, points.length - HISTORY);
      history.set(kind.id, points);
    }
    drawTable(data);
    drawCapacity(data);
    drawUsage(data);
    drawFreshness(data);
    drawDelays(data);
    drawRate(data);
    drawDrift(data);
    updates += 1;
    document.body.setAttribute("data-updates", String(updates));
    element("status").textContent =
      `updated ${new Date(data.generatedAt).toLocaleTimeString([], { hour12: false })}`;
    element("status").className = "";
  }

  async function poll(): Promise<void> {
    try {
      const response = await fetch(dataUrl, { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      render((await response.json()) as Data);
    } catch (error) {
      element("status").textContent = `cannot load data: ${String(error)}`;
      element("status").className = "bad";
    } finally {
      setTimeout(() => void poll(), POLL_MS);
    }
  }

  void poll();
}
