// What "better" means for a monitored metric (Keras's mode 'auto' | 'min' | 'max'), and where callbacks print.

export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * Keras's 'auto' rule: accuracy-like names ('acc' anywhere, as tf.keras's ModelCheckpoint and ReduceLROnPlateau
 * test, or ending in 'auc', as EarlyStopping adds) and F-measures are maximised; everything else (losses) minimised.
 */
export function resolveMode(monitor: string, mode: MonitorMode, who: string): 'min' | 'max' {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`${who}: mode must be 'auto', 'min' or 'max' but got '${mode}'`);
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') || monitor.endsWith('auc') || monitor.replace(/^val_/, '').startsWith('fmeasure') ? 'max' : 'min';
}

/** Where verbose callbacks write their messages (one call per message, like Python's print). */
export type Printer = (message: string) => void;

export const stdoutPrinter: Printer = (message) => {
  process.stdout.write(`${message}\n`);
};

/** Keras warns (and carries on) when a monitored metric is missing from the logs. */
export function warnMissing(who: string, monitor: string, logs: Record<string, number>): void {
  console.warn(`${who} conditioned on metric \`${monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
}
