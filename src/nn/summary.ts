// model.summary(): Keras's table of layers, output shapes and parameter counts, with total / trainable /
// non-trainable totals that match Keras's for the same architecture. Functional models add "Connected to".

import { fmtLayerShape } from './layer.js';
import { Model, Sequential } from './model.js';

const num = (n: number): string => n.toLocaleString('en-US');

export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

export function countParams(model: Model): ParamCounts {
  let total = 0, trainable = 0;
  for (const w of model.weights) {
    total += w.value.size;
    if (w.trainable) trainable += w.value.size;
  }
  return { total, trainable, nonTrainable: total - trainable };
}

/** The summary as text (print it with console.log). */
export function summary(model: Model): string {
  const functional = !(model instanceof Sequential);
  const rows: string[][] = [];
  if (functional) for (const i of model.inputs) rows.push([`${i.name} (InputLayer)`, fmtLayerShape(i.shape), '0', '[]']);
  const seen = new Set<unknown>();
  for (const node of model.graphNodes) {
    const l = node.layer;
    const params = seen.has(l) ? 0 : l.countParams();
    seen.add(l);
    const row = [`${l.name} (${l.className})`, fmtLayerShape(node.output.shape), num(params)];
    if (functional) row.push(`[${node.inputs.map((i) => i.name).join(', ')}]`);
    rows.push(row);
  }
  const head = functional ? ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'] : ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)) + 2);
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('').trimEnd();
  const width = widths.reduce((a, b) => a + b, 0);
  const { total, trainable, nonTrainable } = countParams(model);
  return [
    `Model: "${model.name}"`,
    '_'.repeat(width),
    line(head),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${num(total)}`,
    `Trainable params: ${num(trainable)}`,
    `Non-trainable params: ${num(nonTrainable)}`,
    '_'.repeat(width),
  ].join('\n');
}
