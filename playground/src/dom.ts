/** Small DOM helpers of the page. */

/** The element with id `id`, checked to be of `type`; throws (naming the id) where the page lacks it. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`page: #${id} is missing or not a ${type.name}`);
  return el;
}

/** A new element with the given class names and text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className !== '') el.className = className;
  if (text !== '') el.textContent = text;
  return el;
}

/** The value of a number input, or NaN where it is empty or not a number. */
export function numberValue(input: HTMLInputElement): number {
  return input.value.trim() === '' ? Number.NaN : Number(input.value);
}

/** `m:ss` (or `h:mm:ss`) for a duration in seconds. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor(s / 60) % 60);
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A percentage with two decimals: `98.55%`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
