// `npm run bench:compare [-- --json] [-- --filter REGEX] [-- --reps N]`: webgpu-nn, tfjs-backend-webgpu (same Dawn adapter) and
// tfjs-backend-wasm on the same work, interleaved in one run, with the adapter's FMA and copy ceilings measured in
// the same run and each figure's share of the ceiling that binds it.
import { close, init } from '../../src/index.js';
import { Ceilings } from './ceilings.js';
import { kernelWorks } from './kernels.js';
import { measureWork, median, type Result } from './measure.js';
import { printHeader, printJson, printRow, printTable } from './report.js';
import { loadTfjs } from './systems.js';
import { trainWorks } from './train.js';
import { fitWorks } from './fit.js';
import { runMain } from '../run-main.js';
import { parseBenchOptions } from '../options.js';

const { json, filter, reps: maxReps } = parseBenchOptions('bench:compare',
  'webgpu-nn, tfjs-backend-webgpu and tfjs-backend-wasm on the same work, interleaved, with the adapter ceilings', true);
const log = (line: string): void => void (json ? process.stderr.write(`${line}\n`) : console.log(line));

async function main(): Promise<void> {
  await loadTfjs();
  const { info } = await init();
  const ceilings = new Ceilings();
  await ceilings.setup();
  for (let i = 0; i < 3; i++) await ceilings.sample();
  log(`bench:compare on ${info.description}`);
  const works = [...kernelWorks(), ...trainWorks(), ...fitWorks()].filter((w) => !filter || filter.test(w.name));
  for (const w of works) w.reps = Math.min(w.reps, maxReps);
  const results: Result[] = [];
  if (!json) printHeader();
  for (const w of works) {
    const r = await measureWork(w, ceilings, log);
    results.push(r);
    if (!json) printRow(r, median(ceilings.fma), median(ceilings.copy));
  }
  for (let i = 0; i < 3; i++) await ceilings.sample();
  const fma = median(ceilings.fma), copy = median(ceilings.copy);
  ceilings.dispose();
  if (json) printJson(results, fma, copy);
  else printTable(results, fma, copy, ceilings);
  close();
}

runMain(main);
