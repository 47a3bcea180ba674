/**
 * Bar charts as inline SVG strings, drawn on the server: no script, no chart library, nothing
 * fetched. Every text and attribute value is escaped here, so callers pass plain strings.
 * Each chart is an image with a title (role="img"), and each bar carries its value in a
 * <title>; pages show the same numbers in a table beside it.
 */

export interface ChartSeries {
  /** Names the bar's CSS class (`bar-<key>`) so stylesheets can restyle it. */
  key: string;
  label: string;
  color: string;
}

export interface ChartCategory {
  label: string;
}

export interface BarChartSpec {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  description?: string;
  categories: ChartCategory[];
  series: ChartSeries[];
  /** values[series][category]; negative or non-finite numbers count as 0. */
  values: number[][];
  /** Optional link per bar segment, same shape as values. */
  links?: (string | null | undefined)[][];
  /** horizontal: one row per category (kinds, reviewers); vertical: one column per category (days). */
  orientation: 'horizontal' | 'vertical';
  /** stacked: series on top of each other; grouped: side by side. */
  layout: 'stacked' | 'grouped';
  /** Total drawn at the end of each horizontal bar. */
  showTotals?: boolean;
  width?: number;
}

export interface BarRect {
  x: number;
  y: number;
  width: number;
  height: number;
  series: number;
  category: number;
  value: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { x: number; y: number; width: number; height: number };
  /** The value at the far end of the axis (a round number ≥ the largest bar). */
  max: number;
  ticks: number[];
  rects: BarRect[];
  /** Where each category's label goes (its centre along the category axis). */
  categoryCentres: number[];
  /** Which category labels are drawn (every one, or every n-th when they would overlap). */
  labelledCategories: number[];
}

const FONT = 12;
const LEGEND_HEIGHT = 22;
const HORIZONTAL_ROW = 26;
const VERTICAL_HEIGHT = 220;
const AXIS_LABEL_SPACE = 20;

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeXml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (at least 1): axes end on a round number. */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Ticks from 0 to `max` at a round whole step that divides it, at most `count` intervals. */
export function ticksFor(max: number, count = 5): number[] {
  let step = max;
  for (let magnitude = 1; magnitude <= max; magnitude *= 10) {
    const fit = [1, 2, 5].map((m) => m * magnitude).find((s) => max % s === 0 && max / s <= count);
    if (fit !== undefined) {
      step = fit;
      break;
    }
  }
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += Math.max(1, step)) ticks.push(v);
  return ticks;
}

/** An estimate of a label's width: CJK characters are about one em, others a bit more than half. */
export function textWidth(text: string, fontSize = FONT): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? fontSize : fontSize * 0.6;
  return Math.ceil(w);
}

const clean = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const round1 = (v: number) => Math.round(v * 10) / 10;

/** The geometry of a chart: where every bar, tick and label goes. Pure, so it is tested alone. */
export function layoutBarChart(spec: BarChartSpec): ChartLayout {
  const cats = spec.categories.length;
  const sers = spec.series.length;
  const value = (s: number, c: number) => clean(spec.values[s]?.[c]);
  const barTotal = (c: number) => (spec.layout === 'stacked' ? spec.series.reduce((sum, _s, s) => sum + value(s, c), 0) : Math.max(0, ...spec.series.map((_s, s) => value(s, c))));
  const max = niceMax(Math.max(0, ...spec.categories.map((_c, c) => barTotal(c))));
  const ticks = ticksFor(max);
  const rects: BarRect[] = [];
  const categoryCentres: number[] = [];

  if (spec.orientation === 'horizontal') {
    const width = spec.width ?? 640;
    const labelWidth = Math.min(220, Math.max(40, ...spec.categories.map((c) => textWidth(c.label))) + 8);
    const totalsWidth = spec.showTotals ? 48 : 12;
    const plot = { x: labelWidth, y: LEGEND_HEIGHT, width: Math.max(40, width - labelWidth - totalsWidth), height: Math.max(1, cats) * HORIZONTAL_ROW };
    const band = HORIZONTAL_ROW;
    const barThickness = band * 0.7;
    for (let c = 0; c < cats; c++) {
      const top = plot.y + c * band + (band - barThickness) / 2;
      categoryCentres.push(round1(plot.y + c * band + band / 2));
      let offset = 0;
      for (let s = 0; s < sers; s++) {
        const v = value(s, c);
        const length = (v / max) * plot.width;
        if (spec.layout === 'stacked') {
          rects.push({ x: round1(plot.x + offset), y: round1(top), width: round1(length), height: round1(barThickness), series: s, category: c, value: v });
          offset += length;
        } else {
          const h = barThickness / Math.max(1, sers);
          rects.push({ x: round1(plot.x), y: round1(top + s * h), width: round1(length), height: round1(h), series: s, category: c, value: v });
        }
      }
    }
    return { width, height: plot.y + plot.height + AXIS_LABEL_SPACE, plot, max, ticks, rects, categoryCentres, labelledCategories: spec.categories.map((_c, i) => i) };
  }

  const width = spec.width ?? 900;
  const axisWidth = Math.max(28, textWidth(String(max)) + 10);
  const plot = { x: axisWidth, y: LEGEND_HEIGHT, width: width - axisWidth - 8, height: VERTICAL_HEIGHT - LEGEND_HEIGHT - AXIS_LABEL_SPACE };
  const band = plot.width / Math.max(1, cats);
  const barWidth = band * 0.8;
  for (let c = 0; c < cats; c++) {
    const left = plot.x + c * band + (band - barWidth) / 2;
    categoryCentres.push(round1(plot.x + c * band + band / 2));
    let stackedHeight = 0;
    for (let s = 0; s < sers; s++) {
      const v = value(s, c);
      const h = (v / max) * plot.height;
      if (spec.layout === 'stacked') {
        rects.push({ x: round1(left), y: round1(plot.y + plot.height - stackedHeight - h), width: round1(barWidth), height: round1(h), series: s, category: c, value: v });
        stackedHeight += h;
      } else {
        const w = barWidth / Math.max(1, sers);
        rects.push({ x: round1(left + s * w), y: round1(plot.y + plot.height - h), width: round1(w), height: round1(h), series: s, category: c, value: v });
      }
    }
  }
  // Labels must not overlap: draw every n-th so that each has room for its text.
  const widest = Math.max(1, ...spec.categories.map((c) => textWidth(c.label, FONT - 2)));
  const every = Math.max(1, Math.ceil((widest + 6) / band));
  const labelledCategories = spec.categories.map((_c, i) => i).filter((i) => i % every === 0);
  return { width, height: VERTICAL_HEIGHT, plot, max, ticks, rects, categoryCentres, labelledCategories };
}

/** The chart as an <svg> element, ready to place in a page. */
export function barChartSvg(spec: BarChartSpec): string {
  const g = layoutBarChart(spec);
  const id = escapeXml(spec.id.replace(/[^A-Za-z0-9_-]/g, '-'));
  const labelled = spec.description ? `${id}-title ${id}-desc` : `${id}-title`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${spec.orientation}" role="img" aria-labelledby="${labelled}" viewBox="0 0 ${g.width} ${g.height}" width="100%" preserveAspectRatio="xMinYMin meet" font-size="${FONT}">`,
  );
  out.push(`<title id="${id}-title">${escapeXml(spec.title)}</title>`);
  if (spec.description) out.push(`<desc id="${id}-desc">${escapeXml(spec.description)}</desc>`);

  // Legend along the top.
  let lx = g.plot.x;
  for (const s of spec.series) {
    out.push(`<rect x="${lx}" y="4" width="10" height="10" fill="${escapeXml(s.color)}" class="legend bar-${escapeXml(s.key)}"/>`);
    out.push(`<text x="${lx + 14}" y="13" class="legend-label">${escapeXml(s.label)}</text>`);
    lx += 14 + textWidth(s.label) + 16;
  }

  // Grid and value axis.
  for (const t of g.ticks) {
    if (spec.orientation === 'horizontal') {
      const x = round1(g.plot.x + (t / g.max) * g.plot.width);
      out.push(`<line x1="${x}" y1="${g.plot.y}" x2="${x}" y2="${g.plot.y + g.plot.height}" class="grid" stroke="#e5e7eb"/>`);
      out.push(`<text x="${x}" y="${g.plot.y + g.plot.height + 14}" text-anchor="middle" class="tick">${t}</text>`);
    } else {
      const y = round1(g.plot.y + g.plot.height - (t / g.max) * g.plot.height);
      out.push(`<line x1="${g.plot.x}" y1="${y}" x2="${g.plot.x + g.plot.width}" y2="${y}" class="grid" stroke="#e5e7eb"/>`);
      out.push(`<text x="${g.plot.x - 4}" y="${y + 4}" text-anchor="end" class="tick">${t}</text>`);
    }
  }

  // Bars, each with its value as a tooltip, linked where the caller gave a link.
  for (const r of g.rects) {
    if (r.value === 0) continue;
    const s = spec.series[r.series]!;
    const c = spec.categories[r.category]!;
    const tip = `${c.label} · ${s.label}: ${r.value}`;
    const rect = `<rect x="${r.x}" y="${r.y}" width="${Math.max(r.width, 1)}" height="${Math.max(r.height, 1)}" fill="${escapeXml(s.color)}" class="bar bar-${escapeXml(s.key)}"><title>${escapeXml(tip)}</title></rect>`;
    const href = spec.links?.[r.series]?.[r.category];
    out.push(href ? `<a href="${escapeXml(href)}">${rect}</a>` : rect);
  }

  // Category labels and, for horizontal bars, totals.
  for (const i of g.labelledCategories) {
    const c = spec.categories[i]!;
    if (spec.orientation === 'horizontal') {
      out.push(`<text x="${g.plot.x - 6}" y="${g.categoryCentres[i]! + 4}" text-anchor="end" class="category">${escapeXml(c.label)}</text>`);
      if (spec.showTotals) {
        const total = spec.series.reduce((sum, _s, s) => sum + clean(spec.values[s]?.[i]), 0);
        const end = g.rects.filter((r) => r.category === i).reduce((m, r) => Math.max(m, r.x + r.width), g.plot.x);
        out.push(`<text x="${round1(end + 4)}" y="${g.categoryCentres[i]! + 4}" class="total">${total}</text>`);
      }
    } else {
      out.push(`<text x="${g.categoryCentres[i]}" y="${g.plot.y + g.plot.height + 14}" text-anchor="middle" font-size="${FONT - 2}" class="category">${escapeXml(c.label)}</text>`);
    }
  }
  out.push(`<line x1="${g.plot.x}" y1="${g.plot.y}" x2="${g.plot.x}" y2="${g.plot.y + g.plot.height}" stroke="#6b7280" class="axis"/>`);
  out.push('</svg>');
  return out.join('');
}
