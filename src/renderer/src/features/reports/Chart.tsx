/**
 * A small React wrapper around plain ECharts (SVG renderer: crisp when printed). The chart is
 * an image to assistive technology: role="img" with a label that states its numbers; the same
 * numbers are in the tables next to it.
 */
import * as echarts from 'echarts';
import { useEffect, useRef } from 'react';

export function Chart({ option, label, height = 260 }: { option: echarts.EChartsOption; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg' });
    chart.current = c;
    const resize = () => c.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...option }, true);
  }, [option]);
  return <div ref={el} className="reports__chart" role="img" aria-label={label} style={{ height }} />;
}
