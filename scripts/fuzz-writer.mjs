// The fuzzer's case writer (scripts/fuzz.mjs): builds the seed corpus once with the library at DIST,
// then, for each line `PARSER SEED FROM TO DIR` on stdin, writes cases FROM..TO-1 as DIR/I.bin and
// answers `done DIR`. It runs apart from the fuzzer so that the fuzzer stays small: a worker
// process starts with its parent's peak RSS (Linux keeps maxRSS across fork and exec), and the
// workers' peaks must be the parsers' own.
//
// usage: node fuzz-writer.mjs DIST
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildCorpus } from './fuzz-corpus.mjs';
import { makeCase } from './fuzz-cases.mjs';

const corpus = await buildCorpus(process.argv[2]);
fs.writeSync(1, 'ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [parser, seed, from, to, dir] = line.split(' ');
  for (let i = Number(from); i < Number(to); i++) fs.writeFileSync(join(dir, `${i}.bin`), makeCase(corpus, parser, Number(seed), i));
  fs.writeSync(1, `done ${dir}\n`);
}
