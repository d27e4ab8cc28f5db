/**
 * Bar charts drawn as inline SVG on the server, so the report page needs no
 * script and no network. Every bar is a `rect.bar` carrying `data-series`,
 * `data-category` and `data-value`, and a `<title>` that browsers show on hover.
 */

export interface BarSeries {
  /** Stable id, used in `data-series` and the CSS class `series-<n>`. */
  id: string;
  label: string;
  values: readonly number[];
}

export interface LineSeries {
  id: string;
  label: string;
  /** Percentages 0–100 drawn against the right axis; null leaves a gap. */
  values: ReadonlyArray<number | null>;
}

export interface VerticalChartInput {
  id: string;
  title: string;
  categories: readonly string[];
  bars: readonly BarSeries[];
  /** Optional percentage lines over the bars. */
  lines?: readonly LineSeries[];
}

export interface HorizontalChartInput {
  id: string;
  title: string;
  categories: readonly string[];
  bars: readonly BarSeries[];
}

const WIDTH = 760;
const VERTICAL_HEIGHT = 320;
const MARGIN = { top: 20, right: 56, bottom: 64, left: 48 };
/** Gridlines on the value axis. */
const TICK_COUNT = 4;
/** Height of one category row in the horizontal chart. */
const ROW_HEIGHT = 34;
const LABEL_WIDTH = 220;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Smallest 1, 2 or 5 × 10^k that is at least `value` and divisible into TICK_COUNT whole steps. */
export function niceMaximum(value: number): number {
  if (value <= 0) return TICK_COUNT;
  let step = 1;
  while (step * TICK_COUNT < value) {
    const power = 10 ** Math.floor(Math.log10(step));
    const mantissa = Math.round(step / power);
    if (mantissa === 1) {
      step = 2 * power;
    } else if (mantissa === 2) {
      step = 5 * power;
    } else {
      step = 10 * power;
    }
  }
  return step * TICK_COUNT;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function legend(items: ReadonlyArray<{ label: string; className: string; line?: boolean }>, y: number): string {
  let x = MARGIN.left;
  const parts: string[] = [];
  for (const item of items) {
    const swatch = item.line
      ? `<line class="${item.className}" x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}"/>`
      : `<rect class="${item.className}" x="${x}" y="${y - 10}" width="12" height="12" rx="2"/>`;
    parts.push(`${swatch}<text class="legend" x="${x + 20}" y="${y}">${escapeXml(item.label)}</text>`);
    x += 28 + item.label.length * 7;
  }
  return `<g class="legend">${parts.join('')}</g>`;
}

function seriesClass(index: number): string {
  return `series-${index + 1}`;
}

function barRect(options: { series: BarSeries; index: number; category: string; value: number; x: number; y: number; width: number; height: number }): string {
  const { series, index, category, value } = options;
  return (
    `<rect class="bar ${seriesClass(index)}" data-series="${escapeXml(series.id)}" data-category="${escapeXml(category)}" data-value="${value}" ` +
    `x="${round(options.x)}" y="${round(options.y)}" width="${round(options.width)}" height="${round(options.height)}">` +
    `<title>${escapeXml(`${category} · ${series.label}: ${value}`)}</title></rect>`
  );
}

/** Grouped vertical bars per category, with optional percentage lines on a right-hand 0–100 axis. */
export function verticalBarChart(input: VerticalChartInput): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = VERTICAL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const bottom = MARGIN.top + plotHeight;
  const maximum = niceMaximum(Math.max(0, ...input.bars.flatMap((series) => series.values)));
  const slot = plotWidth / Math.max(1, input.categories.length);
  const barWidth = Math.min(48, (slot * 0.7) / Math.max(1, input.bars.length));
  const parts: string[] = [];

  for (let tick = 0; tick <= TICK_COUNT; tick++) {
    const y = bottom - (plotHeight * tick) / TICK_COUNT;
    parts.push(`<line class="grid" x1="${MARGIN.left}" y1="${round(y)}" x2="${MARGIN.left + plotWidth}" y2="${round(y)}"/>`);
    parts.push(`<text class="axis" x="${MARGIN.left - 8}" y="${round(y + 4)}" text-anchor="end">${round((maximum * tick) / TICK_COUNT)}</text>`);
    if (input.lines && input.lines.length > 0) {
      parts.push(`<text class="axis" x="${MARGIN.left + plotWidth + 8}" y="${round(y + 4)}">${(100 * tick) / TICK_COUNT}%</text>`);
    }
  }

  input.categories.forEach((category, categoryIndex) => {
    const groupStart = MARGIN.left + slot * categoryIndex + (slot - barWidth * input.bars.length) / 2;
    input.bars.forEach((series, seriesIndex) => {
      const value = series.values[categoryIndex] ?? 0;
      const height = (plotHeight * value) / maximum;
      parts.push(barRect({ series, index: seriesIndex, category, value, x: groupStart + barWidth * seriesIndex, y: bottom - height, width: barWidth, height }));
    });
    parts.push(`<text class="axis" x="${round(MARGIN.left + slot * (categoryIndex + 0.5))}" y="${bottom + 18}" text-anchor="middle">${escapeXml(category)}</text>`);
  });

  (input.lines ?? []).forEach((series, lineIndex) => {
    const className = seriesClass(input.bars.length + lineIndex);
    let path = '';
    let drawing = false;
    series.values.forEach((value, index) => {
      if (value === null) {
        drawing = false;
        return;
      }
      const x = MARGIN.left + slot * (index + 0.5);
      const y = bottom - (plotHeight * value) / 100;
      path += `${drawing ? 'L' : 'M'}${round(x)} ${round(y)} `;
      drawing = true;
      parts.push(
        `<circle class="point ${className}" data-series="${escapeXml(series.id)}" data-value="${value}" cx="${round(x)}" cy="${round(y)}" r="4">` +
          `<title>${escapeXml(`${input.categories[index] ?? ''} · ${series.label}: ${value}%`)}</title></circle>`,
      );
    });
    if (path) {
      parts.push(`<path class="trend ${className}" data-series="${escapeXml(series.id)}" d="${path.trim()}"/>`);
    }
  });

  const legendItems = [
    ...input.bars.map((series, index) => ({ label: series.label, className: `swatch ${seriesClass(index)}` })),
    ...(input.lines ?? []).map((series, index) => ({ label: series.label, className: `trend ${seriesClass(input.bars.length + index)}`, line: true })),
  ];
  parts.push(legend(legendItems, VERTICAL_HEIGHT - 14));

  return (
    `<svg class="chart" id="${escapeXml(input.id)}" role="img" aria-labelledby="${escapeXml(input.id)}-title" viewBox="0 0 ${WIDTH} ${VERTICAL_HEIGHT}" width="${WIDTH}" height="${VERTICAL_HEIGHT}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeXml(input.id)}-title">${escapeXml(input.title)}</title>${parts.join('')}</svg>`
  );
}

/** Grouped horizontal bars, one row per category; suits long names such as article ids. */
export function horizontalBarChart(input: HorizontalChartInput): string {
  const rowsHeight = ROW_HEIGHT * Math.max(1, input.categories.length);
  const height = MARGIN.top + rowsHeight + 56;
  const plotLeft = LABEL_WIDTH;
  const plotWidth = WIDTH - plotLeft - 24;
  const maximum = niceMaximum(Math.max(0, ...input.bars.flatMap((series) => series.values)));
  const barHeight = Math.min(12, (ROW_HEIGHT * 0.75) / Math.max(1, input.bars.length));
  const parts: string[] = [];

  for (let tick = 0; tick <= TICK_COUNT; tick++) {
    const x = plotLeft + (plotWidth * tick) / TICK_COUNT;
    parts.push(`<line class="grid" x1="${round(x)}" y1="${MARGIN.top}" x2="${round(x)}" y2="${MARGIN.top + rowsHeight}"/>`);
    parts.push(`<text class="axis" x="${round(x)}" y="${MARGIN.top + rowsHeight + 16}" text-anchor="middle">${round((maximum * tick) / TICK_COUNT)}</text>`);
  }

  input.categories.forEach((category, categoryIndex) => {
    const rowTop = MARGIN.top + ROW_HEIGHT * categoryIndex;
    const groupTop = rowTop + (ROW_HEIGHT - barHeight * input.bars.length) / 2;
    const shown = category.length > 30 ? `${category.slice(0, 29)}…` : category;
    parts.push(`<text class="axis" x="${plotLeft - 8}" y="${round(rowTop + ROW_HEIGHT / 2 + 4)}" text-anchor="end">${escapeXml(shown)}<title>${escapeXml(category)}</title></text>`);
    input.bars.forEach((series, seriesIndex) => {
      const value = series.values[categoryIndex] ?? 0;
      const width = (plotWidth * value) / maximum;
      parts.push(barRect({ series, index: seriesIndex, category, value, x: plotLeft, y: groupTop + barHeight * seriesIndex, width, height: barHeight }));
    });
  });

  parts.push(legend(input.bars.map((series, index) => ({ label: series.label, className: `swatch ${seriesClass(index)}` })), height - 10));

  return (
    `<svg class="chart" id="${escapeXml(input.id)}" role="img" aria-labelledby="${escapeXml(input.id)}-title" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeXml(input.id)}-title">${escapeXml(input.title)}</title>${parts.join('')}</svg>`
  );
}
