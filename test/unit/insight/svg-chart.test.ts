import { describe, expect, it } from 'vitest';
import { barChartSvg, escapeXml, layoutBarChart, niceMax, ticksFor, type BarChartSpec } from '../../../server/insight/svg-chart.js';

const base: BarChartSpec = {
  id: 'c',
  title: 'Backlog',
  orientation: 'horizontal',
  layout: 'stacked',
  categories: [{ label: '语音模板' }, { label: 'Audio' }],
  series: [
    { key: 'on_track', label: 'On track', color: '#0a0' },
    { key: 'breached', label: 'Breached', color: '#a00' },
  ],
  values: [
    [3, 10],
    [2, 0],
  ],
};

describe('chart geometry', () => {
  it('when the largest bar is an odd number, then the axis ends on the next 1, 2 or 5 × 10ⁿ, ticked at a round step that divides it', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(10)).toBe(10);
    expect(niceMax(11)).toBe(20);
    expect(niceMax(180)).toBe(200);
    expect(niceMax(201)).toBe(500);
    expect(ticksFor(1)).toEqual([0, 1]);
    expect(ticksFor(5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ticksFor(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticksFor(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticksFor(200)).toEqual([0, 50, 100, 150, 200]);
    expect(ticksFor(5000)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('when bars are stacked horizontally, then segments sit end to end and their lengths are proportional to the values', () => {
    const g = layoutBarChart(base);
    expect(g.max).toBe(10);
    const [a0, a1, b0, b1] = [g.rects.find((r) => r.series === 0 && r.category === 0)!, g.rects.find((r) => r.series === 1 && r.category === 0)!, g.rects.find((r) => r.series === 0 && r.category === 1)!, g.rects.find((r) => r.series === 1 && r.category === 1)!];
    expect(a0.x).toBe(g.plot.x);
    expect(a0.width).toBeCloseTo(g.plot.width * 0.3, 0);
    expect(a1.x).toBeCloseTo(a0.x + a0.width, 0);
    expect(a1.width).toBeCloseTo(g.plot.width * 0.2, 0);
    expect(b0.width).toBeCloseTo(g.plot.width, 0);
    expect(b1.width).toBe(0);
    expect(b0.y).toBeGreaterThan(a0.y);
  });

  it('when bars are vertical, then they grow up from the baseline and stacks add up', () => {
    const g = layoutBarChart({ ...base, orientation: 'vertical' });
    const baseline = g.plot.y + g.plot.height;
    const first = g.rects.find((r) => r.series === 0 && r.category === 0)!;
    const second = g.rects.find((r) => r.series === 1 && r.category === 0)!;
    expect(first.y + first.height).toBeCloseTo(baseline, 0);
    expect(second.y + second.height).toBeCloseTo(first.y, 0);
    expect(first.height + second.height).toBeCloseTo(g.plot.height * 0.5, 0);
  });

  it('when grouped, then series stand side by side within the category', () => {
    const g = layoutBarChart({ ...base, orientation: 'vertical', layout: 'grouped' });
    const first = g.rects.find((r) => r.series === 0 && r.category === 0)!;
    const second = g.rects.find((r) => r.series === 1 && r.category === 0)!;
    expect(second.x).toBeCloseTo(first.x + first.width, 0);
    expect(g.max).toBe(10);
  });

  it('when 184 days are charted, then only every n-th day is labelled so the labels do not overlap', () => {
    const days = Array.from({ length: 184 }, (_, i) => ({ label: `03-${String(i % 31).padStart(2, '0')}` }));
    const g = layoutBarChart({ ...base, orientation: 'vertical', categories: days, values: [days.map(() => 1)], series: [base.series[0]!] });
    expect(g.labelledCategories.length).toBeLessThan(40);
    expect(g.labelledCategories[0]).toBe(0);
    const gap = g.categoryCentres[g.labelledCategories[1]!]! - g.categoryCentres[g.labelledCategories[0]!]!;
    expect(gap).toBeGreaterThanOrEqual(30);
  });

  it('when values are negative or not numbers, then they count as zero', () => {
    const g = layoutBarChart({ ...base, values: [[-5, Number.NaN], [1, Number.POSITIVE_INFINITY]] });
    expect(g.max).toBe(1);
    expect(g.rects.filter((r) => r.value > 0)).toHaveLength(1);
  });
});

describe('chart markup', () => {
  it('when labels and links carry markup, then every text and attribute is escaped', () => {
    const svg = barChartSvg({
      ...base,
      title: '<script>alert(1)</script>',
      categories: [{ label: '"><img src=x onerror=alert(1)>' }, { label: 'B&B' }],
      links: [['/queue?kind=a&sla=on_track"onmouseover="x', null], [null, null]],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('B&amp;B');
    expect(svg).toContain('href="/queue?kind=a&amp;sla=on_track&quot;onmouseover=&quot;x"');
    expect(escapeXml(`<a href='x'>&</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('when drawn, then the chart is an image labelled by its title and description, with each value in a bar title', () => {
    const svg = barChartSvg({ ...base, description: 'Per kind', showTotals: true });
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">Backlog</title>');
    expect(svg).toContain('<desc id="c-desc">Per kind</desc>');
    expect(svg).toContain('<title>语音模板 · On track: 3</title>');
    expect(svg).toContain('<title>Audio · On track: 10</title>');
    // totals at the end of each bar
    expect(svg).toMatch(/class="total">5</);
    expect(svg).toMatch(/class="total">10</);
    expect(svg.endsWith('</svg>')).toBe(true);
  });
});
