// Hand-drawn SVG bar charts (no library). Drawn at the container's pixel width and redrawn
// when it changes, so text stays legible from phone to desktop. Labels are text nodes.
import { s, h, num, table } from './dom.js';

const observers = new WeakMap();

/**
 * Draws a bar chart into `container` and keeps it sized to it.
 * data: [[label, value], ...]; kind: 'rows' (horizontal bars, one per label) or
 * 'columns' (vertical bars, e.g. months; `tick(label, i)` returns an axis label or null).
 * @param {HTMLElement} container
 * @param {object} chart
 * @param {string} chart.title
 * @param {[string, number][]} chart.data
 * @param {'rows' | 'columns'} [chart.kind]
 * @param {(label: string, i: number) => string | null} [chart.tick]
 * @param {string} [chart.valueLabel] what the values count, plural
 * @returns {HTMLElement}
 */
export function barChart(container, { title, data, kind = 'rows', tick, valueLabel = 'rows' }) {
  observers.get(container)?.disconnect();
  const figure = h('figure', { class: 'chart' });
  const caption = h('figcaption', { text: title });
  const holder = h('div', { class: 'chart-svg' });
  // The same numbers as a table, for screen readers and copy/paste.
  const alt = h('details', { class: 'chart-table' },
    h('summary', { text: 'Show as table' }),
    table([
      { label: kind === 'rows' ? 'Label' : 'Period', get: (d) => d[0] },
      { label: valueLabel[0].toUpperCase() + valueLabel.slice(1), get: (d) => d[1], num: true, format: (v) => num(v) },
    ], data, { label: `${title} (table)` }));
  figure.append(caption, holder, alt);
  container.replaceChildren(figure);

  let lastWidth = -1;
  const draw = () => {
    const width = Math.max(260, Math.floor(holder.clientWidth || container.clientWidth || 600));
    if (width === lastWidth) return;
    lastWidth = width;
    holder.replaceChildren(kind === 'rows' ? rows(data, width, title, valueLabel) : columns(data, width, title, tick, valueLabel));
  };
  draw();
  if (typeof ResizeObserver === 'function') {
    const ro = new ResizeObserver(() => draw());
    ro.observe(holder);
    observers.set(container, ro);
  }
  return figure;
}

function svgRoot(width, height, title) {
  return s('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title,
    class: 'chart-root',
  });
}

/** Horizontal bars, label on the left, value on the right of the bar. */
function rows(data, width, title, valueLabel) {
  const barH = 22, gap = 6, top = 4;
  const narrow = width < 480;
  const labelW = Math.min(narrow ? 120 : 200, Math.floor(width * 0.38));
  const valueW = 64;
  const plotW = Math.max(40, width - labelW - valueW - 8);
  const max = Math.max(1, ...data.map((d) => d[1]));
  const height = top + data.length * (barH + gap);
  const svg = svgRoot(width, height, title);
  data.forEach(([label, value], i) => {
    const y = top + i * (barH + gap);
    const w = Math.max(value > 0 ? 2 : 0, Math.round((value / max) * plotW));
    const g = s('g', { class: 'bar' });
    g.append(
      s('title', {}, `${label}: ${num(value)} ${valueLabel}`),
      s('text', { x: labelW - 8, y: y + barH / 2, class: 'label', 'text-anchor': 'end', 'dominant-baseline': 'central' }, clip(label, narrow ? 16 : 28)),
      s('rect', { x: labelW, y, width: w, height: barH, rx: 3, class: `fill c${i % 6}` }),
      s('text', { x: labelW + w + 6, y: y + barH / 2, class: 'value', 'dominant-baseline': 'central' }, num(value)),
    );
    svg.append(g);
  });
  return svg;
}

/** Vertical bars along an x axis (e.g. months), with a few y gridlines. */
function columns(data, width, title, tick, valueLabel) {
  const height = 200, left = 48, right = 8, top = 10, bottom = 28;
  const plotW = width - left - right, plotH = height - top - bottom;
  const { max, step: tickStep } = intTicks(Math.max(1, ...data.map((d) => d[1])));
  const svg = svgRoot(width, height, title);
  for (let v = 0; v <= max; v += tickStep) {
    const y = top + plotH - (v / max) * plotH;
    svg.append(
      s('line', { x1: left, x2: width - right, y1: y, y2: y, class: v === 0 ? 'axis' : 'grid' }),
      s('text', { x: left - 6, y, class: 'tick', 'text-anchor': 'end', 'dominant-baseline': 'central' }, num(v)),
    );
  }
  const n = Math.max(1, data.length);
  const step = plotW / n;
  const barW = Math.max(1, step * 0.78);
  const minLabelGap = 44;
  let lastLabelX = -Infinity;
  data.forEach(([label, value], i) => {
    const x = left + i * step + (step - barW) / 2;
    const hgt = (value / max) * plotH;
    svg.append(s('rect', { x: x.toFixed(1), y: (top + plotH - hgt).toFixed(1), width: barW.toFixed(1), height: hgt.toFixed(1), class: 'fill c0' },
      s('title', {}, `${label}: ${num(value)} ${valueLabel}`)));
    const t = tick ? tick(label, i) : label;
    const cx = left + i * step + step / 2;
    if (t !== null && cx - lastLabelX >= minLabelGap) {
      lastLabelX = cx;
      svg.append(
        s('line', { x1: cx, x2: cx, y1: top + plotH, y2: top + plotH + 4, class: 'axis' }),
        s('text', { x: cx, y: top + plotH + 16, class: 'tick', 'text-anchor': 'middle' }, t),
      );
    }
  });
  return svg;
}

/**
 * Whole-number y ticks for counts up to `v`: a step of 1, 2, 5, 10, 20, 25, 50, ... giving at most
 * five ticks above zero, and the axis top, a multiple of the step at or above `v` (counts 1, 2, 3
 * get ticks 0, 1, 2, 3, never a label twice).
 * @param {number} v the largest count (at least 1)
 * @returns {{ max: number, step: number }}
 */
export function intTicks(v) {
  const top = Math.max(1, Math.ceil(v));
  let step = 1;
  for (let p = 1; ; p *= 10) {
    const s = [1, 2, 2.5, 5].map((m) => m * p).find((m) => Number.isInteger(m) && Math.ceil(top / m) <= 5);
    if (s !== undefined) { step = s; break; }
  }
  return { max: Math.ceil(top / step) * step, step };
}

function clip(label, n) {
  const chars = [...String(label)];
  return chars.length > n ? chars.slice(0, n - 1).join('') + '…' : chars.join('');
}
