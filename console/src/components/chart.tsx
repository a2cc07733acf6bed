/**
 * A time-series chart drawn by uPlot (small, fast, canvas): the last hour of a queue's depth or
 * its per-minute counts. Created once per mounted chart, fed new data in place, resized with its
 * box.
 * @module
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  color: string;
  values: readonly number[];
}

export interface ChartProps {
  title: string;
  /** Unix seconds, one per value of each series. */
  times: readonly number[];
  series: readonly Series[];
  /** Bars for per-minute counts, a line for a level such as depth. */
  bars?: boolean;
  height?: number;
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = [props.times, ...props.series.map((s) => s.values)] as uPlot.AlignedData;
  const shape = props.series.map((s) => s.label).join("|");
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const paths = props.bars ? uPlot.paths.bars?.({ size: [0.8, 12] }) : undefined;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: props.height ?? 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { size: 50 }],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: `${s.color}33`,
          width: 2,
          paths,
          // Dots only while there are too few minutes to draw a line between.
          points: { show: (u: uPlot) => u.data[0].length < 3 },
        })),
      ],
    };
    const chart = new uPlot(options, data, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(200, element.clientWidth), height: options.height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape, props.bars]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} />
    </figure>
  );
}
