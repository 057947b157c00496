/**
 * A model summary: one row per layer with its output shape and parameter count, for convolution
 * layers with S6's formula `P·D·m·n + P` written out.
 */
import { noGrad } from '../autograd/engine.js';
import { zeros } from '../tensor/creation.js';
import { shapeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type AnyModule, type Module, observeForwards } from './module.js';
import { Conv2d, ConvTranspose2d, LinkedConv2d } from './conv.js';
import { Linear } from './linear.js';

/** One layer of a summary. */
export interface SummaryRow {
  name: string;
  layer: string;
  outputShape: number[];
  parameters: number;
  /** How the count comes about, e.g. `6·1·5·5 + 6` (empty when there is nothing to explain). */
  formula: string;
}

/** The parameter-count formula of a layer (S6 for convolutions). */
function formula(m: Module): string {
  const b = (layer: { bias: Tensor | null }, n: number): string => (layer.bias ? ` + ${n}` : '');
  if (m instanceof Conv2d || m instanceof ConvTranspose2d) {
    const [a, c, kh, kw] = m.weight.shape;
    return `${a}·${c}·${kh}·${kw}${b(m, m.outChannels)}`;
  }
  if (m instanceof LinkedConv2d) {
    const [p, , kh, kw] = m.weight.shape;
    const links = m.numParameters() - (m.bias?.size ?? 0);
    return `${links / (kh * kw)} links·${kh}·${kw}${b(m, p)}`;
  }
  if (m instanceof Linear) return `${m.outFeatures}·${m.inFeatures}${b(m, m.outFeatures)}`;
  return '';
}

/**
 * Summary rows for `model` applied to an input of `inputShape` (a zero tensor, in eval mode): one
 * per call of a layer without children (a model's own layers, however it is built), in the order
 * they ran, named by their path in the model.
 */
export function summaryRows(model: AnyModule, inputShape: number[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const names = new Map<AnyModule, string>();
  for (const [name, m] of model.namedModules()) if (!names.has(m)) names.set(m, name);
  const wasTraining = model.training;
  model.eval();
  try {
    observeForwards(
      () => noGrad(() => model.forward(zeros(inputShape))),
      (m, y) => {
        if (m.children().length > 0 || !(y instanceof Tensor)) return;
        rows.push({
          name: names.get(m) ?? m.constructor.name,
          layer: m.describe(),
          outputShape: [...y.shape],
          parameters: m.numParameters(),
          formula: formula(m),
        });
      },
    );
  } finally {
    model.train(wasTraining);
  }
  return rows;
}

/**
 * A printable table: layer, output shape, parameter count (with its formula), and the total.
 *
 * @param inputShape e.g. `[1, 1, 28, 28]`
 */
export function summary(model: AnyModule, inputShape: number[]): string {
  const rows = summaryRows(model, inputShape);
  const table = [
    ['#', 'layer', 'output shape', 'parameters'],
    ['', 'input', shapeStr(inputShape), ''],
    ...rows.map((r) => [
      r.name,
      r.layer,
      shapeStr(r.outputShape),
      r.formula ? `${r.parameters.toLocaleString('en-US')} = ${r.formula}` : r.parameters.toLocaleString('en-US'),
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]): string =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const total = model.numParameters();
  return [
    line(table[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.slice(1).map(line),
    '',
    `total parameters: ${total.toLocaleString('en-US')}`,
  ].join('\n');
}
