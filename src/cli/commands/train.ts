// `webgpu-nn train --model NAME --dataset NAME ...`: one run of any registry model on any dataset, written to a
// run directory (results.json, results.md, history.csv, curves, best checkpoint) like an experiment's, with its
// settings in train.json so `train --resume DIR` continues a killed or time-limited run from its checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { runExperiment } from '../experiments/run.js';
import type { DataLimits } from '../experiments/session.js';
import { OPTIMIZERS, SCHEDULES, type OptimizerName, type RunSpec, type ScheduleName } from '../experiments/spec.js';
import { checkDataset, DATASET_HELP } from '../registry/datasets.js';
import { MODEL_NAMES, type ImageShape } from '../registry/models.js';
import { defaultRunDir, writeJson } from '../results/files.js';
import { textTable } from '../results/markdown.js';
import { intArg, numberArg, parseDuration, parseShape, UsageError } from '../options.js';
import { asParser, commandLine, markStoppedOnSignal, openDevice, verbosity } from './common.js';

/** Default learning rates: the notebook's Adadelta 0.1 (Keras's 0.001 barely moves), Keras's defaults otherwise. */
const DEFAULT_LR: Record<OptimizerName, number> = { adadelta: 0.1, adam: 1e-3, rmsprop: 1e-3, sgd: 0.01 };

interface TrainOptions {
  model?: string;
  dataset?: string;
  optimizer: OptimizerName;
  lr?: number;
  schedule: ScheduleName;
  epochs: number;
  batchSize: number;
  augment?: boolean;
  valSplit: number;
  earlyStopping?: number;
  monitor: string;
  seed: number;
  timeLimit?: number;
  out?: string;
  inputShape?: ImageShape;
  subset?: number;
  resume?: string;
}

/** What `train --resume DIR` reads back: the run as first started. */
interface SavedTrain {
  format: 'webgpu-nn/train-settings@1';
  spec: RunSpec;
  limits?: DataLimits;
  timeLimit: number | null;
}
const SETTINGS_FILE = 'train.json';

function specFrom(o: TrainOptions & { model: string; dataset: string }): RunSpec {
  return {
    id: `${o.model}-${basename(o.dataset).replace(/\.tar\.gz$|\.tgz$/, '')}`, model: o.model, dataset: o.dataset, inputShape: o.inputShape,
    optimizer: o.optimizer, learningRate: o.lr ?? DEFAULT_LR[o.optimizer], schedule: o.schedule, epochs: o.epochs, batchSize: o.batchSize,
    augment: o.augment ? { rotation: 0.05, translate: [0.05, 0.05], on: 'gpu' } : null, loaderMode: 'double-buffered', valSplit: o.valSplit,
    earlyStopping: o.earlyStopping === undefined ? null : { monitor: o.monitor, minDelta: 5e-4, patience: o.earlyStopping },
    checkpointMonitor: 'val_accuracy', seed: o.seed, label: o.schedule === 'constant' ? o.optimizer : `${o.optimizer}, ${o.schedule}`,
  };
}

/** The saved settings of DIR; with --resume only --time-limit (this invocation's budget) may be given as well. */
function resumed(dir: string, cmd: Command): SavedTrain {
  const given = cmd.options.map((opt) => opt.attributeName()).filter((k) => cmd.getOptionValueSource(k) === 'cli' && k !== 'resume' && k !== 'timeLimit');
  if (given.length) throw new UsageError(`--resume takes the run's settings from ${join(dir, SETTINGS_FILE)}; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
  const path = join(dir, SETTINGS_FILE);
  if (!existsSync(path)) throw new UsageError(`--resume ${dir}: no ${SETTINGS_FILE} there (it is written by \`webgpu-nn train\` into its run directory)`);
  const saved = JSON.parse(readFileSync(path, 'utf8')) as SavedTrain;
  if (saved.format !== 'webgpu-nn/train-settings@1') throw new UsageError(`--resume ${dir}: ${path} is not a train settings file`);
  return saved;
}

export function register(program: Command): void {
  program.command('train').description('train a model and write a run directory (results, history, curves, best checkpoint)')
    .addOption(new Option('--model <name>', 'model').choices(MODEL_NAMES))
    .addOption(new Option('--dataset <name|path>', `dataset: ${DATASET_HELP}`).argParser(asParser(checkDataset)))
    .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZERS).default('adadelta'))
    .option('--lr <x>', 'learning rate (default: adadelta 0.1, adam/rmsprop 0.001, sgd 0.01); the peak rate for cyclical', numberArg())
    .addOption(new Option('--schedule <name>', 'time-decay: the notebook\'s per-epoch decay; cyclical: tfa, lr/100..lr, step 800; exponential: x0.9 per epoch; cosine: to 0 over the run')
      .choices(SCHEDULES).default('constant'))
    .option('--epochs <n>', 'epochs', intArg(), 10)
    .option('--batch-size <n>', 'batch size', intArg(), 64)
    .option('--augment', 'RandomRotation(0.05) + RandomTranslation(0.05, 0.05, constant) on the GPU')
    .option('--val-split <f>', 'fraction of the training set held out for validation', numberArg(0, 1), 0.2)
    .option('--early-stopping <patience>', 'stop after this many epochs without improvement (min_delta 5e-4)', intArg(0))
    .addOption(new Option('--monitor <metric>', 'what early stopping watches').choices(['val_loss', 'val_accuracy', 'loss', 'accuracy']).default('val_loss'))
    .option('--seed <n>', 'seed of the split, shuffles, initialisers and augmentation', intArg(0), 42)
    .option('--time-limit <duration>', 'stop training after this long (90s, 30m, 2h); the epoch in progress ends early', parseDuration)
    .option('--out <dir>', 'run directory (default runs/train-<model>-<time>)')
    .option('--input-shape <H,W,C>', 'input shape for the resizable models', parseShape)
    .option('--subset <n>', 'use only n training images (and n/4 validation and test images): a smoke run', intArg())
    .option('--resume <dir>', 'continue the run in DIR from its last checkpoint, with its saved settings (re-running with the same --out does too)')
    .action(async (opts: TrainOptions, cmd: Command) => {
      let settings: SavedTrain;
      const dir = opts.resume ?? opts.out;
      if (opts.resume) settings = resumed(opts.resume, cmd);
      else {
        // Checked here rather than with makeOptionMandatory() so a misspelt option is reported first.
        if (!opts.model) throw new UsageError(`option '--model <name>' is required (expected one of: ${MODEL_NAMES.join(', ')})`);
        if (!opts.dataset) throw new UsageError(`option '--dataset <name|path>' is required (expected ${DATASET_HELP})`);
        const o = { ...opts, model: opts.model, dataset: opts.dataset };
        const limits = o.subset ? { trainSamples: o.subset, valSamples: Math.ceil(o.subset / 4), testSamples: Math.ceil(o.subset / 4) } : undefined;
        settings = { format: 'webgpu-nn/train-settings@1', spec: specFrom(o), limits, timeLimit: o.timeLimit ?? null };
      }
      const spec = settings.spec;
      const out = dir ?? defaultRunDir(`train-${spec.model}`);
      const adapter = await openDevice();
      markStoppedOnSignal();
      if (!opts.resume) writeJson(join(out, SETTINGS_FILE), settings);
      const results = await runExperiment('train', { runs: [spec] }, {
        dir: out, command: commandLine(), adapter, timeLimit: opts.timeLimit ?? settings.timeLimit, limits: settings.limits, verbose: verbosity(),
      });
      console.log(`\n${textTable(results)}\n\nresults in ${out}/ (results.json, results.md, history.csv, curves.svg/png, best.safetensors)`);
    });
}
