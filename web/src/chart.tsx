// A step chart of scheduled values over time (uPlot: 20 KB gzipped, canvas, fast at
// thousands of points): one line per series, held from each change to the next, with the
// schedule's marks drawn behind — override periods and date-list stretches as bands, DST
// changes and now as lines; over past days, dashed, what the history says was done. The time
// axis is in the schedule's zone. Hovering (or tapping) reports the instant under the
// pointer, so the page can say which window is responsible.

import { useLayoutEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DoneStepJson, TimelineJson, TimelinePointJson } from '../../src/console/wire.js';
import { zonedDate } from './time.js';

export type ChartSeries = { readonly label: string; readonly value: (p: TimelinePointJson) => number };
/** What the history says was done (the past days) for the series labelled `of`: dashed, in its colour, up to now. */
export type DoneSeries = { readonly of: string; readonly steps: readonly DoneStepJson[] };

type Props = {
  readonly title: string;
  readonly timeline: TimelineJson;
  readonly series: readonly ChartSeries[];
  readonly done?: readonly DoneSeries[];
  /** The cluster's time now, in ms. */
  readonly now: number;
  /** The point in force at the hovered instant, and the instant; undefined when the pointer leaves. */
  readonly onHover: (hover: { point: TimelinePointJson; at: number } | undefined) => void;
};

const PALETTE = ['#2f6fde', '#d6336c', '#2b8a3e', '#e67700', '#7048e8', '#0c8599', '#868e96'];

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const seconds = (iso: string): number => Date.parse(iso) / 1000;

/** The index of the point in force at `x` (seconds): the last one at or before it. */
export function pointAt(points: readonly TimelinePointJson[], x: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (seconds(points[mid]!.at) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The value done at `x` (seconds): the last step at or before it; null before the first step and after now. */
export function doneValueAt(steps: readonly DoneStepJson[], x: number, now: number): number | null {
  if (steps.length === 0 || x < seconds(steps[0]!.at) || x > now) return null;
  let value = steps[0]!.value;
  for (const s of steps) {
    if (seconds(s.at) > x) break;
    value = s.value;
  }
  return value;
}

const NONE: readonly DoneSeries[] = [];

export function StepChart({ title, timeline, series, done = NONE, now, onHover }: Props) {
  const box = useRef<HTMLDivElement>(null);
  // A layout effect: the chart is made in the render that brings its data, not a frame after
  // it (useEffect waits for a paint): no frame with empty boxes, and ~10 ms less of a 30-day
  // render in bench/console.bench.ts.
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const { points, marks } = timeline;
    // Each value holds to the next point; the last to the end of the range. With what was
    // done, the instants are the union of both, each series read at each.
    const end = seconds(timeline.to);
    const doneAt = done.flatMap((d) => d.steps.map((s) => seconds(s.at)));
    const xs = doneAt.length === 0
      ? [...points.map((p) => seconds(p.at)), end]
      : [...new Set([...points.map((p) => seconds(p.at)), ...doneAt, Math.min(now / 1000, end), end])].sort((a, b) => a - b);
    const ys = doneAt.length === 0
      ? series.map((s) => [...points.map(s.value), s.value(points.at(-1)!)])
      : series.map((s) => xs.map((x) => s.value(points[pointAt(points, x)]!)));
    const doneYs = done.map((d) => xs.map((x) => doneValueAt(d.steps, x, now / 1000)));
    const bands: { from: number; to: number; color: string }[] = [
      ...marks.dateLists.map((d) => ({ from: seconds(d.from), to: seconds(d.until), color: 'rgba(120, 120, 120, 0.15)' })),
      ...marks.overrides.map((o) => ({ from: seconds(o.from), to: seconds(o.until), color: o.draft ? 'rgba(214, 51, 108, 0.18)' : 'rgba(230, 119, 0, 0.18)' })),
    ];
    const lines: { at: number; color: string; dash: number[] }[] = [
      ...marks.dst.map((d) => ({ at: seconds(d.at), color: css('--muted'), dash: [4, 4] })),
      { at: now / 1000, color: css('--accent'), dash: [] },
    ];
    const drawMarks = (u: uPlot) => {
      const { ctx } = u;
      const { top, height } = u.bbox;
      ctx.save();
      for (const b of bands) {
        const x0 = u.valToPos(Math.max(b.from, xs[0]!), 'x', true);
        const x1 = u.valToPos(Math.min(b.to, xs.at(-1)!), 'x', true);
        if (x1 <= x0) continue;
        ctx.fillStyle = b.color;
        ctx.fillRect(x0, top, x1 - x0, height);
      }
      for (const l of lines) {
        if (l.at < xs[0]! || l.at > xs.at(-1)!) continue;
        const x = u.valToPos(l.at, 'x', true);
        ctx.strokeStyle = l.color;
        ctx.setLineDash(l.dash);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
      ctx.restore();
    };
    const fg = css('--fg');
    const grid = css('--line');
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const options: uPlot.Options = {
      title,
      width: element.clientWidth,
      height: Math.max(180, Math.min(320, Math.round(element.clientWidth * 0.35))),
      tzDate: (ts) => zonedDate(timeline.timezone, ts),
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max + 1, 1)] } },
      axes: [axis, { ...axis, size: 40 }],
      series: [
        {},
        ...series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length]!, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } })),
        ...done.map((d) => ({ label: `${d.of} (done)`, stroke: PALETTE[Math.max(0, series.findIndex((s) => s.label === d.of)) % PALETTE.length]!, width: 2, dash: [6, 4], paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false }, spanGaps: false })),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      hooks: {
        drawClear: [drawMarks],
        // A User Timing mark per chart drawn: bench/console.bench.ts times a 30-day timeline from
        // its arrival to the last chart's mark. One entry per draw, and a draw is a whole chart.
        draw: [() => { performance.mark('scalerd:chart-drawn', { detail: title }); }],
        setCursor: [(u) => {
          const left = u.cursor.left;
          if (left === undefined || left < 0) return onHover(undefined);
          const x = u.posToVal(left, 'x');
          onHover({ point: points[pointAt(points, x)]!, at: x * 1000 });
        }],
      },
    };
    const plot = new uPlot(options, [xs, ...ys, ...doneYs] as uPlot.AlignedData, element);
    const resize = () => plot.setSize({ width: element.clientWidth, height: options.height });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [timeline, series, done, title]);
  return <div class="chart" ref={box} role="img" aria-label={`${title}: a step chart; the table below lists the same changes`} />;
}
