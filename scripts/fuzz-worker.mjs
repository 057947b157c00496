// One worker process of the fuzzer (scripts/fuzz.mjs): runs one parser on cases FROM..TO-1, the
// files CASES_DIR/I.bin that the fuzzer wrote (so that the memory of making them is not counted
// here), and reports, one line per event on stdout:
//   S i                    case i started
//   D i STATUS RSS_KB MSG  case i done: ok (accepted), rejected (a plain Error), or a failure
//                          (non-error: a thrown value that is not an Error; engine: a TypeError,
//                          RangeError, … or an Error without a message; rss: the peak RSS passed the limit)
// A crash (signal, V8 out of memory) or a hang shows as a case started and never done.
//
// usage: node --max-old-space-size=MB fuzz-worker.mjs DIST CASES_DIR PARSER FROM TO MAX_RSS_MB
import * as fs from 'node:fs';
import { join } from 'node:path';

const [dist, casesDir, parser, fromText, toText, maxRssText] = process.argv.slice(2);
const [from, to, maxRssKb] = [Number(fromText), Number(toText), Number(maxRssText) * 1024];

const lib = await import(`${dist}/index.js`);
const node = await import(`${dist}/node.js`);
const { decodePng } = await import(`${dist}/data/png-decoder.js`);

/** The calls each parser makes of one case: each must return or throw a plain Error. */
const RUN = {
  safetensors: (b) => [() => lib.decodeSafetensors(b)],
  model: (b) => [() => lib.decodeModel(b)],
  idx: (b, file) => [() => lib.data.parseIdx(b), () => node.readIdxFile(file)],
  'idx-gz': (_, file) => [() => node.readIdxFile(file)],
  png: (b, file) => [() => decodePng(b), () => node.readImageForModel(file)],
};

/** What one call did: [status, message]. */
function outcome(call) {
  try {
    call();
    return ['ok', ''];
  } catch (e) {
    if (!(e instanceof Error)) return ['non-error', `threw ${typeof e}: ${String(e)}`];
    if (e.constructor !== Error) return ['engine', `${e.constructor.name}: ${e.message}`];
    if (typeof e.message !== 'string' || e.message.trim() === '') return ['engine', 'an Error without a message'];
    return ['rejected', e.message];
  }
}

const out = (line) => fs.writeSync(1, `${line}\n`);
for (let i = from; i < to; i++) {
  const file = join(casesDir, `${i}.bin`);
  const bytes = new Uint8Array(fs.readFileSync(file));
  out(`S ${i}`);
  let [status, message] = ['ok', ''];
  for (const call of RUN[parser](bytes, file)) {
    const [s, m] = outcome(call);
    // the worst outcome of the calls: a failure over a rejection over acceptance
    if (s !== 'ok' && s !== 'rejected') [status, message] = [s, m];
    else if (s === 'rejected' && status === 'ok') [status, message] = [s, m];
  }
  const rss = process.resourceUsage().maxRSS;
  if (rss > maxRssKb && status !== 'non-error' && status !== 'engine') [status, message] = ['rss', `peak RSS ${Math.round(rss / 1024)} MB`];
  out(`D ${i} ${status} ${rss} ${JSON.stringify(message.replace(/\s+/g, ' ').slice(0, 300))}`);
  if (rss > maxRssKb) break; // a fresh worker for the next case, so that the peak is that case's own
}
