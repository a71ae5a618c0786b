// `npm run bench [-- --json] [-- --filter REGEX]`: every suite, side by side in one process on one device.
import { close, init } from '../src/index.js';
import * as dispatch from './dispatch.js';
import * as softmax from './softmax.js';
import { jsonOutput } from './harness.js';
import * as conv from './conv.js';
import * as matmul from './matmul.js';
import * as optimizers from './optimizers.js';
import * as vision from './vision.js';
import * as train from './train.js';
import * as loader from './loader.js';
import * as replay from './replay.js';
import { runMain } from './run-main.js';

const suites: Array<{ name: string; run: () => Promise<void> }> = [
  { name: 'dispatch', run: dispatch.run },
  { name: 'matmul', run: matmul.run },
  { name: 'conv', run: conv.run },
  { name: 'optimizers', run: optimizers.run },
  { name: 'softmax', run: softmax.run },
  { name: 'vision', run: vision.run },
  { name: 'train', run: train.run },
  { name: 'loader', run: loader.run },
  { name: 'replay', run: replay.run },
];

async function main(): Promise<void> {
  const { info } = await init();
  if (!jsonOutput) console.log(`webgpu-nn bench on ${info.description}\n`);
  for (const s of suites) await s.run();
  close();
}

runMain(main);
