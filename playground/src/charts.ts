/**
 * The live training curves, drawn with uPlot: loss and accuracy against epochs, for the training
 * batches (averaged since the previous point) and the held-out digits.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CurvePoint } from './protocol.js';

const TRAIN = '#c2410c';
const HELD_OUT = '#1d4ed8';

/** One chart of two series (train, held-out) against epochs. */
class Curves {
  private readonly plot: uPlot;
  private readonly xs: number[] = [];
  private readonly train: (number | null)[] = [];
  private readonly heldOut: (number | null)[] = [];

  constructor(
    private readonly container: HTMLElement,
    yLabel: string,
    range: [number, number] | null,
  ) {
    const opts: uPlot.Options = {
      width: this.width(),
      height: 220,
      scales: { x: { time: false }, y: range === null ? {} : { range } },
      series: [
        { label: 'epochs', value: (_, v) => (v === null ? '–' : v.toFixed(2)) },
        { label: 'train', stroke: TRAIN, width: 2, spanGaps: true, value: (_, v) => (v === null ? '–' : v.toFixed(3)) },
        { label: 'held-out', stroke: HELD_OUT, width: 2, spanGaps: true, value: (_, v) => (v === null ? '–' : v.toFixed(3)) },
      ],
      axes: [{ label: 'epochs' }, { label: yLabel }],
      legend: { live: false },
    };
    this.plot = new uPlot(opts, [[], [], []], container);
    new ResizeObserver(() => this.plot.setSize({ width: this.width(), height: 220 })).observe(container);
  }

  private width(): number {
    return Math.max(240, this.container.clientWidth);
  }

  add(x: number, train: number | null, heldOut: number | null): void {
    this.xs.push(x);
    this.train.push(train);
    this.heldOut.push(heldOut);
    this.plot.setData([this.xs, this.train, this.heldOut]);
  }

  clear(): void {
    this.xs.length = 0;
    this.train.length = 0;
    this.heldOut.length = 0;
    this.plot.setData([[], [], []]);
  }
}

/** The loss and accuracy charts. */
export class TrainingCharts {
  private readonly loss: Curves;
  private readonly accuracy: Curves;

  constructor(lossContainer: HTMLElement, accuracyContainer: HTMLElement) {
    this.loss = new Curves(lossContainer, 'cross-entropy', null);
    this.accuracy = new Curves(accuracyContainer, 'accuracy, %', [0, 100]);
  }

  /** Adds a point to both charts. */
  add(p: CurvePoint): void {
    this.loss.add(p.epochs, p.trainLoss, p.heldOutLoss);
    this.accuracy.add(p.epochs, p.trainAccuracy === null ? null : p.trainAccuracy * 100, p.heldOutAccuracy * 100);
  }

  /** Empties both charts (a new model). */
  clear(): void {
    this.loss.clear();
    this.accuracy.clear();
  }
}
