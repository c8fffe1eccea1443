'use strict';
// A small SVG line chart for the benchmark pages: queries per second (log scale) against recall, one polyline per
// series with a marker at each point. No dependencies; the output is plain SVG 1.1 text.

const { escapeXml, fmtInt, recallQpsGrid, recallQpsRange } = require('./report');

/**
 * `series`: `[{ name, color, dash?, open?, points: [{ recall, qps, label? }] }]` (`dash`: an SVG stroke-dasharray;
 * `open`: hollow square markers instead of filled circles). Returns the SVG text: the plot, then a legend of one
 * entry per series in two columns.
 */
function recallQpsSvg({ title, subtitle = '', xLabel = 'recall', series }) {
  const width = 720;
  const plotH = 400;
  const margin = { left: 70, right: 20, top: 50, bottom: 50 };
  const legendRows = Math.ceil(series.length / 2);
  const height = plotH + 10 + legendRows * 20 + 10;
  const all = series.flatMap((s) => s.points).filter((p) => p.qps > 0);
  if (all.length === 0) throw new Error('nothing to plot');
  const { xMin, xMax, yMin, yMax } = recallQpsRange(all);
  const x0 = margin.left;
  const y0 = margin.top;
  const w = width - margin.left - margin.right;
  const h = plotH - margin.top - margin.bottom;
  const sx = (r) => x0 + ((r - xMin) / (xMax - xMin)) * w;
  const sy = (q) => y0 + h - ((Math.log10(q) - yMin) / (yMax - yMin)) * h;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="Helvetica, Arial, sans-serif" font-size="12">',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${x0 + w / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${x0 + w / 2}" y="36" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  out.push(...recallQpsGrid({ x0, y0, w, h, xMin, yMin, yMax, sx, sy }));
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 36}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  const yMid = y0 + h / 2;
  out.push(
    `<text x="${x0 - 54}" y="${yMid}" text-anchor="middle" transform="rotate(-90 ${x0 - 54} ${yMid})">` +
      'queries per second (log scale)</text>',
  );
  for (const s of series) {
    const pts = s.points.filter((p) => p.qps > 0);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    const coords = pts.map((p) => `${sx(Math.max(p.recall, xMin)).toFixed(1)},${sy(p.qps).toFixed(1)}`).join(' ');
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${coords}">` +
        `<title>${escapeXml(s.name)}</title></polyline>`,
    );
    for (const p of pts) {
      const tip = `${s.name}${p.label ? `, ${p.label}` : ''}: recall ${p.recall.toFixed(4)}, ${fmtInt(p.qps)} queries/s`;
      out.push(marker(s, sx(Math.max(p.recall, xMin)), sy(p.qps), `<title>${escapeXml(tip)}</title>`));
    }
  }
  series.forEach((s, j) => {
    const x = margin.left + (j < legendRows ? 0 : (width - margin.left) / 2);
    const y = plotH + 10 + (j % legendRows) * 20;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(marker(s, x + 14, y, ''));
    out.push(`<text x="${x + 36}" y="${y + 4}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function marker(s, x, y, tip) {
  if (s.open) {
    return (
      `<rect x="${(x - 3).toFixed(1)}" y="${(y - 3).toFixed(1)}" width="6" height="6" fill="#fff" stroke="${s.color}" ` +
      `stroke-width="1.5">${tip}</rect>`
    );
  }
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${s.color}">${tip}</circle>`;
}

module.exports = { recallQpsSvg };
