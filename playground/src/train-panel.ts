/**
 * Panel 1, training: the settings, start / pause / resume / reset, the live status (epoch, batch,
 * images per second, ETA), the curves and their table, and the model file (download, load).
 */
import { TrainingCharts } from './charts.js';
import type { WorkerClient } from './client.js';
import { byId, formatDuration, h, numberValue, percent } from './dom.js';
import type { CurvePoint, ModelName, ModelReport, Progress, RunState, TrainSettings } from './protocol.js';

const MODEL_NAMES: readonly string[] = ['lenet5', 'lenet5-modern'];

/** The status line of a training batch. */
function progressText(p: Progress): string {
  return (
    `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches} · loss ${p.loss.toFixed(3)} · ` +
    `accuracy ${percent(p.accuracy)} · ${Math.round(p.imagesPerSecond).toLocaleString('en')} images/s · ETA ${formatDuration(p.etaSeconds)} · ` +
    `lr ${p.lr.toPrecision(3)}`
  );
}

/** The training panel. */
export class TrainPanel {
  private readonly model = byId('set-model', HTMLSelectElement);
  private readonly lr = byId('set-lr', HTMLInputElement);
  private readonly momentum = byId('set-momentum', HTMLInputElement);
  private readonly weightDecay = byId('set-weight-decay', HTMLInputElement);
  private readonly batch = byId('set-batch', HTMLInputElement);
  private readonly epochs = byId('set-epochs', HTMLInputElement);
  private readonly augment = byId('set-augment', HTMLSelectElement);
  private readonly schedule = byId('set-schedule', HTMLSelectElement);
  private readonly seed = byId('set-seed', HTMLInputElement);
  private readonly evalEvery = byId('set-eval-every', HTMLInputElement);
  private readonly form = byId('train-form', HTMLFormElement);
  private readonly startButton = byId('btn-start', HTMLButtonElement);
  private readonly pauseButton = byId('btn-pause', HTMLButtonElement);
  private readonly resumeButton = byId('btn-resume', HTMLButtonElement);
  private readonly resetButton = byId('btn-reset', HTMLButtonElement);
  private readonly status = byId('train-status', HTMLElement);
  private readonly error = byId('train-error', HTMLElement);
  private readonly table = byId('curve-table', HTMLTableElement);
  private readonly modelStatus = byId('model-status', HTMLElement);
  private readonly downloadButton = byId('btn-download', HTMLButtonElement);
  private readonly fileInput = byId('file-load', HTMLInputElement);
  private readonly charts = new TrainingCharts(byId('chart-loss', HTMLElement), byId('chart-accuracy', HTMLElement));
  private state: RunState | 'loading' = 'loading';
  private report: ModelReport | null = null;
  private lastPoint: CurvePoint | null = null;
  private frameRequested = false;
  private progressText = '';

  constructor(private readonly client: WorkerClient) {
    this.startButton.addEventListener('click', () => this.start());
    this.pauseButton.addEventListener('click', () => client.send({ type: 'pause' }));
    this.resumeButton.addEventListener('click', () => client.send({ type: 'resume' }));
    this.resetButton.addEventListener('click', () => this.reset());
    this.model.addEventListener('change', () => this.reset());
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.state === 'idle' || this.state === 'done') this.start();
    });
    this.downloadButton.addEventListener('click', () => client.send({ type: 'save' }));
    this.fileInput.addEventListener('change', () => void this.load());

    client.on('ready', () => this.setState('idle'));
    client.on('state', (m) => this.setState(m.state));
    client.on('model', (m) => {
      this.lastPoint = null;
      this.progressText = '';
      this.showModel(m.model);
    });
    client.on('progress', (m) => {
      this.progressText = progressText(m.progress);
      this.status.dataset.totalBatches = String(m.progress.totalBatches);
      // many batches a second: the status is written once per frame
      if (!this.frameRequested) requestAnimationFrame(() => this.drawProgress());
      this.frameRequested = true;
    });
    client.on('evaluation', (m) => this.addPoint(m.point));
    client.on('saved', (m) => this.download(m.fileName, m.bytes));
    client.on('error', (m) => {
      if (m.context !== 'inspect' && m.context !== 'predict') this.showError(m.message);
    });
  }

  /** The model and seed chosen, for the worker's first model. */
  initialModel(): { model: ModelName; seed: number } {
    return { model: this.modelName(), seed: Number.isInteger(numberValue(this.seed)) ? numberValue(this.seed) : 0 };
  }

  private modelName(): ModelName {
    const v = this.model.value;
    return v === 'lenet5-modern' ? 'lenet5-modern' : 'lenet5';
  }

  /** The settings as entered; the worker checks them (with `fit`'s own messages). */
  settings(): TrainSettings {
    const schedule = this.schedule.value;
    return {
      model: this.modelName(),
      lr: numberValue(this.lr),
      momentum: numberValue(this.momentum),
      weightDecay: numberValue(this.weightDecay),
      batchSize: numberValue(this.batch),
      epochs: numberValue(this.epochs),
      augment: Number(this.augment.value),
      schedule: schedule === 'step' || schedule === 'none' ? schedule : 'cosine',
      seed: numberValue(this.seed),
      evalEvery: numberValue(this.evalEvery),
    };
  }

  private start(): void {
    this.showError(null);
    this.client.send({ type: 'start', settings: this.settings() });
  }

  private reset(): void {
    this.showError(null);
    const { model, seed } = this.initialModel();
    this.client.send({ type: 'reset', model, seed });
  }

  private async load(): Promise<void> {
    const file = this.fileInput.files?.[0];
    if (file === undefined) return;
    this.showError(null);
    const bytes = new Uint8Array(await file.arrayBuffer());
    this.client.send({ type: 'load', name: file.name, bytes }, [bytes.buffer]);
    this.fileInput.value = '';
  }

  private download(fileName: string, bytes: Uint8Array): void {
    const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }));
    const a = h('a');
    a.href = url;
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private setState(state: RunState): void {
    this.state = state;
    const running = state === 'training' || state === 'paused';
    this.startButton.disabled = running;
    this.pauseButton.disabled = state !== 'training';
    this.resumeButton.disabled = state !== 'paused';
    this.resetButton.disabled = false;
    this.downloadButton.disabled = false;
    this.fileInput.disabled = false;
    for (const el of this.form.elements) {
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) el.disabled = running;
    }
    this.status.dataset.state = state;
    if (state === 'idle') this.status.textContent = 'Ready: press Start to train.';
    if (state === 'paused') this.status.textContent = `Paused at ${this.progressText}`;
    if (state === 'done') this.status.textContent = `Done: ${this.progressText}`;
  }

  private drawProgress(): void {
    this.frameRequested = false;
    if (this.state === 'training') this.status.textContent = this.progressText;
  }

  private pointText(p: CurvePoint): string {
    return `Held-out accuracy ${percent(p.heldOutAccuracy)} (${p.heldOutCorrect}/${p.heldOutCount}) after ${p.batches} batches.`;
  }

  private addPoint(p: CurvePoint): void {
    if (p.batches === 0) {
      this.charts.clear();
      this.table.tBodies[0].replaceChildren();
    }
    this.lastPoint = p;
    this.charts.add(p);
    const row = h('tr');
    const cells = [
      String(p.batches),
      p.epochs.toFixed(2),
      p.trainLoss === null ? '–' : p.trainLoss.toFixed(4),
      p.trainAccuracy === null ? '–' : percent(p.trainAccuracy),
      p.heldOutLoss.toFixed(4),
      percent(p.heldOutAccuracy),
    ];
    for (const text of cells) row.append(h('td', '', text));
    row.dataset.batches = String(p.batches);
    row.dataset.trainLoss = String(p.trainLoss);
    row.dataset.heldOutLoss = String(p.heldOutLoss);
    row.dataset.heldOutAccuracy = String(p.heldOutAccuracy);
    this.table.tBodies[0].append(row);
    this.showModel(this.report);
  }

  private showModel(report: ModelReport | null): void {
    this.report = report;
    if (report === null) return;
    if (report.model !== null && MODEL_NAMES.includes(report.model)) this.model.value = report.model;
    const p = this.lastPoint;
    const accuracy = p === null ? '' : ` ${this.pointText(p)}`;
    this.modelStatus.textContent = `${report.name}, ${report.parameters.toLocaleString('en')} parameters (${report.source}).${accuracy}`;
    if (p !== null) {
      this.modelStatus.dataset.correct = String(p.heldOutCorrect);
      this.modelStatus.dataset.count = String(p.heldOutCount);
      this.modelStatus.dataset.batches = String(p.batches);
    }
    this.modelStatus.dataset.source = report.source;
  }

  private showError(message: string | null): void {
    this.error.hidden = message === null;
    this.error.textContent = message ?? '';
  }
}
