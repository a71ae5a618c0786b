// What a bench:compare figure is: a name, the FLOPs and bytes it must move (for its share of the binding
// ceiling), and one factory per system that prepares its inputs and returns a Runner (it throws when that system
// cannot run the work, and the figure shows null there).
import type { Runner, SystemName } from './systems.js';

export interface Work {
  name: string;
  flops: number;
  bytes: number;
  /** Interleaved repetitions (each system once per repetition). */
  reps: number;
  /** Whether each sample is one training step (no inner repetition). */
  step?: boolean;
  /** Training steps one sample runs (a fit over several batches): times are reported per step. */
  stepsPerSample?: number;
  make: Record<SystemName, () => Promise<Runner>>;
}
